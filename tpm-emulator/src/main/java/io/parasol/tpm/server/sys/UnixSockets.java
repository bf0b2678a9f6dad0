package io.parasol.tpm.server.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code AF_UNIX} stream sockets through libc, for the one thing {@link
 * java.nio.channels.SocketChannel} cannot do: receive a file descriptor ({@code SCM_RIGHTS}, see
 * unix(7) and cmsg(3)). Descriptors are plain {@code int}s owned by the caller, who closes each
 * exactly once with {@link #close}; every call here is blocking except {@link #pollReadable}, which
 * callers use to wait with a timeout so that a stop request is noticed without closing a descriptor
 * another thread may still be using.
 *
 * <p>Linux on a 64-bit (LP64) ABI only: the {@code msghdr}, {@code iovec} and {@code cmsghdr}
 * offsets below are those of x86-64 and AArch64 glibc. {@link #isSupported()} says whether this JVM
 * runs on such a system.
 *
 * <p>Every call captures {@code errno} with {@link Linker.Option#captureCallState} into a segment
 * of the call's own confined arena; nothing is kept in shared static state, so the methods may be
 * called from any thread.
 */
public final class UnixSockets {
  private static final int AF_UNIX = 1;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;
  private static final int MSG_NOSIGNAL = 0x4000;
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;
  private static final short POLLIN = 0x1;
  private static final int EINTR = 4;
  private static final int ENOTSOCK = 88;

  /** {@code sizeof(struct sockaddr_un)}: {@code sa_family_t} and a 108-byte path. */
  private static final int SOCKADDR_UN_BYTES = 110;

  private static final int SUN_PATH_BYTES = 108;

  // struct msghdr on LP64 Linux: name(8) namelen(4)+pad(4) iov(8) iovlen(8) control(8)
  // controllen(8) flags(4)+pad(4) = 56 bytes.
  private static final int MSGHDR_BYTES = 56;
  private static final long MSG_IOV = 16;
  private static final long MSG_IOVLEN = 24;
  private static final long MSG_CONTROL = 32;
  private static final long MSG_CONTROLLEN = 40;
  // struct iovec: base(8) len(8).
  private static final int IOVEC_BYTES = 16;
  // struct cmsghdr: len(8, size_t) level(4) type(4), data from offset 16.
  private static final long CMSG_LEVEL = 8;
  private static final long CMSG_TYPE = 12;
  private static final long CMSG_DATA = 16;

  /**
   * Room for the control data of one message: {@code CMSG_SPACE(4 * sizeof(int))}. A peer that
   * sends more descriptors has the surplus closed by the kernel ({@code MSG_CTRUNC}).
   */
  private static final int CONTROL_BYTES = 16 + 16;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

  private static final boolean SUPPORTED =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")
          && ADDRESS.byteSize() == 8;

  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND =
      downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle LISTEN =
      downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle ACCEPT4 =
      downcall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle RECVMSG =
      downcall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle READ =
      downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle SEND =
      downcall("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle WRITE =
      downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle POLL =
      downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private UnixSockets() {}

  /** True on LP64 Linux, where the struct layouts here are right. */
  public static boolean isSupported() {
    return SUPPORTED;
  }

  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new IllegalStateException("libc has no " + name));
    return LINKER.downcallHandle(symbol, descriptor, CAPTURE);
  }

  private static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }

  private static IOException failure(String operation, int errno) {
    return new IOException(operation + " failed: " + errnoName(errno) + " (" + errno + ")");
  }

  /** The symbolic name of the errno values these calls can return, for messages. */
  static String errnoName(int errno) {
    return switch (errno) {
      case 1 -> "EPERM";
      case 2 -> "ENOENT";
      case 4 -> "EINTR";
      case 9 -> "EBADF";
      case 11 -> "EAGAIN";
      case 13 -> "EACCES";
      case 14 -> "EFAULT";
      case 17 -> "EEXIST";
      case 20 -> "ENOTDIR";
      case 22 -> "EINVAL";
      case 24 -> "EMFILE";
      case 32 -> "EPIPE";
      case 36 -> "ENAMETOOLONG";
      case 88 -> "ENOTSOCK";
      case 98 -> "EADDRINUSE";
      case 104 -> "ECONNRESET";
      case 107 -> "ENOTCONN";
      default -> "errno";
    };
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("native call failed", t);
  }

  private static void requireSupported() throws IOException {
    if (!SUPPORTED) {
      throw new IOException("Unix sockets with descriptor passing need LP64 Linux");
    }
  }

  /**
   * Creates a listening {@code AF_UNIX} stream socket bound to {@code path} (which must not exist)
   * and returns its descriptor, close-on-exec.
   */
  public static int listen(Path path, int backlog) throws IOException {
    requireSupported();
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length >= SUN_PATH_BYTES) {
      throw new IOException("socket path is longer than 107 bytes: " + path);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      int fd = (int) SOCKET.invokeExact(capture, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw failure("socket(AF_UNIX)", errno(capture));
      }
      // struct sockaddr_un, zero-filled by allocate: family, then the NUL-terminated path.
      MemorySegment address = arena.allocate(SOCKADDR_UN_BYTES, 2);
      address.set(JAVA_SHORT, 0, (short) AF_UNIX);
      MemorySegment.copy(name, 0, address, JAVA_BYTE, 2, name.length);
      int r = (int) BIND.invokeExact(capture, fd, address, SOCKADDR_UN_BYTES);
      if (r < 0) {
        int e = errno(capture);
        close(fd);
        throw failure("bind(" + path + ")", e);
      }
      r = (int) LISTEN.invokeExact(capture, fd, backlog);
      if (r < 0) {
        int e = errno(capture);
        close(fd);
        throw failure("listen(" + path + ")", e);
      }
      return fd;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Accepts one connection on a listening socket; returns its descriptor, close-on-exec. */
  public static int accept(int listenFd) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      while (true) {
        int fd =
            (int)
                ACCEPT4.invokeExact(
                    capture, listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
          return fd;
        }
        int e = errno(capture);
        if (e != EINTR) {
          throw failure("accept4", e);
        }
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for {@code fd} to become readable (or hung up, or in error,
   * which a following read reports). Returns false on timeout.
   */
  public static boolean pollReadable(int fd, int timeoutMillis) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      // struct pollfd { int fd; short events; short revents; }
      MemorySegment pollfd = arena.allocate(8, 4);
      pollfd.set(JAVA_INT, 0, fd);
      pollfd.set(JAVA_SHORT, 4, POLLIN);
      int ready = (int) POLL.invokeExact(capture, pollfd, 1L, timeoutMillis);
      if (ready < 0) {
        int e = errno(capture);
        if (e == EINTR) {
          return false;
        }
        throw failure("poll", e);
      }
      return ready > 0;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * One {@code recvmsg(2)} of up to {@code length} bytes into {@code dst[offset..]}. If the message
   * carried descriptors ({@code SCM_RIGHTS}), the first is stored in {@code receivedFd[0]} (else
   * -1) and any others are closed. Returns the number of bytes received, 0 at end of stream.
   */
  public static int receive(int fd, byte[] dst, int offset, int length, int[] receivedFd)
      throws IOException {
    receivedFd[0] = -1;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      // All four segments live in this call's arena: the kernel writes them only during recvmsg.
      MemorySegment data = arena.allocate(Math.max(1, length));
      MemorySegment iov = arena.allocate(IOVEC_BYTES, 8);
      iov.set(ADDRESS, 0, data);
      iov.set(JAVA_LONG, 8, length);
      MemorySegment control = arena.allocate(CONTROL_BYTES, 8);
      MemorySegment msg = arena.allocate(MSGHDR_BYTES, 8);
      msg.set(ADDRESS, MSG_IOV, iov);
      msg.set(JAVA_LONG, MSG_IOVLEN, 1L);
      msg.set(ADDRESS, MSG_CONTROL, control);
      msg.set(JAVA_LONG, MSG_CONTROLLEN, CONTROL_BYTES);
      long n;
      do {
        n = (long) RECVMSG.invokeExact(capture, fd, msg, MSG_CMSG_CLOEXEC);
      } while (n < 0 && errno(capture) == EINTR);
      if (n < 0) {
        throw failure("recvmsg", errno(capture));
      }
      collectDescriptors(msg, control, receivedFd);
      MemorySegment.copy(data, JAVA_BYTE, 0, dst, offset, (int) n);
      return (int) n;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Walks the control messages the kernel wrote (its {@code msg_controllen} says how many bytes)
   * and keeps the first {@code SCM_RIGHTS} descriptor, closing the rest so none leaks.
   */
  private static void collectDescriptors(
      MemorySegment msg, MemorySegment control, int[] receivedFd) {
    long controlLength = Math.min(msg.get(JAVA_LONG, MSG_CONTROLLEN), CONTROL_BYTES);
    long at = 0;
    while (at + CMSG_DATA <= controlLength) {
      long cmsgLength = control.get(JAVA_LONG, at);
      if (cmsgLength < CMSG_DATA || at + cmsgLength > controlLength) {
        break;
      }
      int level = control.get(JAVA_INT, at + CMSG_LEVEL);
      int type = control.get(JAVA_INT, at + CMSG_TYPE);
      if (level == SOL_SOCKET && type == SCM_RIGHTS) {
        for (long p = at + CMSG_DATA; p + 4 <= at + cmsgLength; p += 4) {
          int received = control.get(JAVA_INT, p);
          if (receivedFd[0] < 0) {
            receivedFd[0] = received;
          } else {
            close(received);
          }
        }
      }
      at += (cmsgLength + 7) & ~7L; // CMSG_NXTHDR: lengths are aligned to size_t
    }
  }

  /** One {@code read(2)}; returns the byte count, 0 at end of stream. */
  public static int read(int fd, byte[] dst, int offset, int length) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      MemorySegment data = arena.allocate(Math.max(1, length));
      long n;
      do {
        n = (long) READ.invokeExact(capture, fd, data, (long) length);
      } while (n < 0 && errno(capture) == EINTR);
      if (n < 0) {
        throw failure("read", errno(capture));
      }
      MemorySegment.copy(data, JAVA_BYTE, 0, dst, offset, (int) n);
      return (int) n;
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Writes all of {@code src[offset..offset+length)}: {@code send(2)} with {@code MSG_NOSIGNAL} (a
   * vanished peer is an {@code EPIPE} error, not a signal), {@code write(2)} if the descriptor is
   * not a socket.
   */
  public static void writeFully(int fd, byte[] src, int offset, int length) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      MemorySegment data = arena.allocate(Math.max(1, length));
      MemorySegment.copy(src, offset, data, JAVA_BYTE, 0, length);
      boolean socket = true;
      long done = 0;
      while (done < length) {
        MemorySegment rest = data.asSlice(done);
        long n =
            socket
                ? (long) SEND.invokeExact(capture, fd, rest, length - done, MSG_NOSIGNAL)
                : (long) WRITE.invokeExact(capture, fd, rest, length - done);
        if (n < 0) {
          int e = errno(capture);
          if (e == EINTR) {
            continue;
          }
          if (e == ENOTSOCK && socket) {
            socket = false;
            continue;
          }
          throw failure(socket ? "send" : "write", e);
        }
        done += n;
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** close(2); errors are ignored (on Linux the descriptor is released either way). */
  public static void close(int fd) {
    if (fd < 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      int unused = (int) CLOSE.invokeExact(arena.allocate(CAPTURE_LAYOUT), fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }
}
