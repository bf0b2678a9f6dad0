package io.parasol.backend.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * libc downcalls for host I/O. Every call captures {@code errno} with {@link
 * Linker.Option#captureCallState} into a segment of a confined arena owned by that call; no errno
 * lives in shared state. Calls may block (pread on a slow disk), so callers make them from their
 * own platform threads, never a vCPU thread.
 */
public final class LinuxCalls {
  public static final int O_RDONLY = 0;
  public static final int O_RDWR = 2;
  public static final int O_CLOEXEC = 0x80000;

  /** x86-64: I/O straight between user memory and the device, bypassing the page cache. */
  public static final int O_DIRECT = 0x4000;

  public static final int EINVAL = 22;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  public static final int MFD_CLOEXEC = 1;
  public static final int FALLOC_FL_KEEP_SIZE = 1;
  public static final int FALLOC_FL_PUNCH_HOLE = 2;
  public static final int FALLOC_FL_ZERO_RANGE = 0x10;
  public static final int EINTR = 4;
  public static final int EOPNOTSUPP = 95;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

  // int open(const char *path, int flags, ...): mode is variadic.
  private static final MethodHandle OPEN =
      downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle PREAD =
      downcall(
          "pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
  private static final MethodHandle PWRITE =
      downcall(
          "pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
  // ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset); pwritev alike.
  private static final MethodHandle PREADV =
      downcall(
          "preadv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG), -1);
  private static final MethodHandle PWRITEV =
      downcall(
          "pwritev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG), -1);
  private static final MethodHandle READ =
      downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle WRITE =
      downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle FDATASYNC =
      downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle FALLOCATE =
      downcall(
          "fallocate",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
          -1);
  private static final MethodHandle LSEEK =
      downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), -1);
  private static final MethodHandle MEMFD_CREATE =
      downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle FTRUNCATE =
      downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), -1);
  private static final MethodHandle MMAP =
      downcall(
          "mmap",
          FunctionDescriptor.of(
              ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
          -1);
  private static final MethodHandle MUNMAP =
      downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), -1);
  // int ioctl(int fd, unsigned long request, ...): the argument is variadic, here a pointer.
  private static final MethodHandle IOCTL_PTR =
      downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
  private static final MethodHandle IOCTL_LONG =
      downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);
  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle BIND =
      downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle CONNECT =
      downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle LISTEN =
      downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle ACCEPT4 =
      downcall(
          "accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle RECVMSG =
      downcall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle SENDMSG =
      downcall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle SHUTDOWN =
      downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle EVENTFD =
      downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle POLL =
      downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
  // glibc 2.32+; null where libc lacks it (messages then show the number only).
  private static final MethodHandle STRERRORNAME_NP =
      LINKER
          .defaultLookup()
          .find("strerrorname_np")
          .map(f -> LINKER.downcallHandle(f, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
          .orElse(null);

  private LinuxCalls() {}

  private static MethodHandle downcall(String name, FunctionDescriptor fd, int firstVariadic) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new IllegalStateException("libc has no " + name));
    Linker.Option[] options =
        firstVariadic < 0
            ? new Linker.Option[] {CAPTURE}
            : new Linker.Option[] {CAPTURE, Linker.Option.firstVariadicArg(firstVariadic)};
    return LINKER.downcallHandle(symbol, fd, options);
  }

  /** The symbolic name of {@code errno} ({@code EIO}), or {@code errno N} if libc has none. */
  static String errnoName(int errno) {
    if (STRERRORNAME_NP == null) {
      return "errno " + errno;
    }
    try {
      MemorySegment name = (MemorySegment) STRERRORNAME_NP.invokeExact(errno);
      if (name.address() == 0) {
        return "errno " + errno;
      }
      // Restricted: strerrorname_np returns a pointer to a static, NUL-terminated string of a few
      // bytes that lives as long as libc; 64 bytes bound the read; any thread may read it.
      return name.reinterpret(64).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  @FunctionalInterface
  private interface NativeCall {
    long invoke(Arena arena, MemorySegment capture) throws Throwable;
  }

  /** Runs {@code call} with its own arena and errno capture, retrying on EINTR. */
  private static long checked(String operation, NativeCall call) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      while (true) {
        long r = call.invoke(arena, capture);
        if (r >= 0) {
          return r;
        }
        int errno = (int) ERRNO.get(capture, 0L);
        if (errno != EINTR) {
          throw new ErrnoException(operation, errno);
        }
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call " + operation + " failed", t);
    }
  }

  /** open(2) of {@code path}; returns the descriptor. */
  public static int open(String path, int flags) throws ErrnoException {
    return (int)
        checked(
            "open " + path,
            (a, c) -> (int) OPEN.invokeExact(c, a.allocateFrom(path), flags | O_CLOEXEC, 0));
  }

  /** close(2); errors are ignored (on Linux the descriptor is gone either way). */
  public static void close(int fd) {
    try {
      checked("close", (a, c) -> (int) CLOSE.invokeExact(c, fd));
    } catch (ErrnoException ignored) {
      // nothing to do
    }
  }

  /**
   * pread(2) into {@code dst}; returns the bytes read (0 at end of file). {@code dst} must be
   * native memory that stays alive for the call; the kernel writes at most {@code dst.byteSize()}
   * bytes.
   */
  public static long pread(int fd, MemorySegment dst, long offset) throws ErrnoException {
    return checked("pread", (a, c) -> (long) PREAD.invokeExact(c, fd, dst, dst.byteSize(), offset));
  }

  /** pwrite(2) of {@code src} (native, alive for the call); returns the bytes written. */
  public static long pwrite(int fd, MemorySegment src, long offset) throws ErrnoException {
    return checked(
        "pwrite", (a, c) -> (long) PWRITE.invokeExact(c, fd, src, src.byteSize(), offset));
  }

  /** The most pieces one preadv/pwritev takes (Linux's UIO_MAXIOV). */
  public static final int IOV_MAX = 1024;

  /**
   * preadv(2) into {@code dst} in order, at most {@link #IOV_MAX} pieces; returns the bytes read
   * (fewer than asked at end of file or on a short read). Every piece must be native memory that
   * stays alive for the call; the kernel writes at most each piece's size into it.
   */
  public static long preadv(int fd, List<MemorySegment> dst, long offset) throws ErrnoException {
    int n = checkIov(dst);
    return checked("preadv", (a, c) -> (long) PREADV.invokeExact(c, fd, iovec(a, dst), n, offset));
  }

  /** pwritev(2) of {@code src} in order (as {@link #preadv}); returns the bytes written. */
  public static long pwritev(int fd, List<MemorySegment> src, long offset) throws ErrnoException {
    int n = checkIov(src);
    return checked(
        "pwritev", (a, c) -> (long) PWRITEV.invokeExact(c, fd, iovec(a, src), n, offset));
  }

  private static int checkIov(List<MemorySegment> pieces) {
    if (pieces.isEmpty() || pieces.size() > IOV_MAX) {
      throw new IllegalArgumentException("an iovec of " + pieces.size() + " pieces");
    }
    for (MemorySegment s : pieces) {
      if (!s.isNative()) {
        throw new IllegalArgumentException("an iovec piece is not native memory");
      }
    }
    return pieces.size();
  }

  /** struct iovec { void *iov_base; size_t iov_len; }[] in {@code arena}. */
  private static MemorySegment iovec(Arena arena, List<MemorySegment> pieces) {
    MemorySegment iov = arena.allocate(16L * pieces.size(), 8);
    for (int i = 0; i < pieces.size(); i++) {
      MemorySegment s = pieces.get(i);
      iov.set(JAVA_LONG, 16L * i, s.address());
      iov.set(JAVA_LONG, 16L * i + 8, s.byteSize());
    }
    return iov;
  }

  /** read(2) into {@code dst} (native, alive for the call); returns the bytes read. */
  public static long read(int fd, MemorySegment dst) throws ErrnoException {
    return checked("read", (a, c) -> (long) READ.invokeExact(c, fd, dst, dst.byteSize()));
  }

  /** write(2) of {@code src} (native, alive for the call); returns the bytes written. */
  public static long write(int fd, MemorySegment src) throws ErrnoException {
    return checked("write", (a, c) -> (long) WRITE.invokeExact(c, fd, src, src.byteSize()));
  }

  /** fdatasync(2). */
  public static void fdatasync(int fd) throws ErrnoException {
    checked("fdatasync", (a, c) -> (int) FDATASYNC.invokeExact(c, fd));
  }

  /** fallocate(2) with {@code mode} over {@code [offset, offset+length)}. */
  public static void fallocate(int fd, int mode, long offset, long length) throws ErrnoException {
    checked("fallocate", (a, c) -> (int) FALLOCATE.invokeExact(c, fd, mode, offset, length));
  }

  /** The size of the file behind {@code fd} (lseek to SEEK_END). */
  public static long size(int fd) throws ErrnoException {
    return checked("lseek", (a, c) -> (long) LSEEK.invokeExact(c, fd, 0L, 2));
  }

  /** memfd_create(2); returns the descriptor. */
  public static int memfdCreate(String name) throws ErrnoException {
    return (int)
        checked(
            "memfd_create",
            (a, c) -> (int) MEMFD_CREATE.invokeExact(c, a.allocateFrom(name), MFD_CLOEXEC));
  }

  /** ftruncate(2). */
  public static void ftruncate(int fd, long length) throws ErrnoException {
    checked("ftruncate", (a, c) -> (int) FTRUNCATE.invokeExact(c, fd, length));
  }

  /** {@link #mmapShared(int, long, long, Arena)} from offset 0. */
  public static MemorySegment mmapShared(int fd, long length, Arena arena) throws ErrnoException {
    return mmapShared(fd, length, 0, arena);
  }

  /** munmap(2) of a mapping made by {@link #mmapShared}. */
  public static void munmap(long address, long length) throws ErrnoException {
    checked(
        "munmap", (a, c) -> (int) MUNMAP.invokeExact(c, MemorySegment.ofAddress(address), length));
  }

  /**
   * ioctl(2) with a pointer argument; {@code arg} must be native memory as large as the request's
   * struct, alive for the call; the kernel touches it only during the call.
   */
  public static int ioctl(int fd, long request, MemorySegment arg, String operation)
      throws ErrnoException {
    return (int) checked(operation, (a, c) -> (int) IOCTL_PTR.invokeExact(c, fd, request, arg));
  }

  /** ioctl(2) whose argument is a value, not a pointer (TUNSETOFFLOAD). */
  public static int ioctl(int fd, long request, long arg, String operation) throws ErrnoException {
    return (int) checked(operation, (a, c) -> (int) IOCTL_LONG.invokeExact(c, fd, request, arg));
  }

  /** Whether {@code fd} becomes readable within {@code timeoutMillis} (poll(2) for POLLIN). */
  public static boolean pollIn(int fd, int timeoutMillis) throws ErrnoException {
    return checked(
            "poll",
            (a, c) -> {
              // struct pollfd { int fd; short events; short revents; }, POLLIN = 1.
              MemorySegment pollfd = a.allocate(8, 4);
              pollfd.set(JAVA_INT, 0, fd);
              pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 1);
              return (int) POLL.invokeExact(c, pollfd, 1L, timeoutMillis);
            })
        > 0;
  }

  public static final int AF_UNIX = 1;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int EFD_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;
  private static final int SHUT_RDWR = 2;

  /** Most descriptors one message carries (vhost-user's memory table has at most 8 regions). */
  public static final int MAX_FDS = 8;

  /** struct sockaddr_un for {@code path} (family, then a NUL-terminated path of < 108 bytes). */
  private static MemorySegment sockaddrUn(Arena arena, String path) {
    byte[] p = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (p.length >= 108) {
      throw new IllegalArgumentException("socket path too long (" + p.length + " bytes): " + path);
    }
    MemorySegment sa = arena.allocate(110, 2);
    sa.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
    MemorySegment.copy(MemorySegment.ofArray(p), 0, sa, 2, p.length);
    return sa;
  }

  /** A listening Unix stream socket bound at {@code path}. */
  public static int listenUnix(String path, int backlog) throws ErrnoException {
    int fd =
        (int)
            checked(
                "socket",
                (a, c) -> (int) SOCKET.invokeExact(c, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      checked("bind " + path, (a, c) -> (int) BIND.invokeExact(c, fd, sockaddrUn(a, path), 110));
      checked("listen", (a, c) -> (int) LISTEN.invokeExact(c, fd, backlog));
      return fd;
    } catch (ErrnoException e) {
      close(fd);
      throw e;
    }
  }

  /** A Unix stream socket connected to {@code path}. */
  public static int connectUnix(String path) throws ErrnoException {
    int fd =
        (int)
            checked(
                "socket",
                (a, c) -> (int) SOCKET.invokeExact(c, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      checked(
          "connect " + path, (a, c) -> (int) CONNECT.invokeExact(c, fd, sockaddrUn(a, path), 110));
      return fd;
    } catch (ErrnoException e) {
      close(fd);
      throw e;
    }
  }

  /** accept4(2) with SOCK_CLOEXEC; returns the connection's descriptor. */
  public static int accept(int listenFd) throws ErrnoException {
    return (int)
        checked(
            "accept",
            (a, c) ->
                (int)
                    ACCEPT4.invokeExact(
                        c, listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC));
  }

  /** shutdown(2) both directions: wakes a thread blocked reading the socket. */
  public static void shutdown(int fd) {
    try {
      checked("shutdown", (a, c) -> (int) SHUTDOWN.invokeExact(c, fd, SHUT_RDWR));
    } catch (ErrnoException ignored) {
      // already gone
    }
  }

  /**
   * recvmsg(2) into {@code dst} (native, alive for the call), taking up to {@link #MAX_FDS}
   * descriptors passed with SCM_RIGHTS into {@code fds} (the count goes in {@code fdCount[0]}).
   * Returns the bytes received (0 at end of stream).
   */
  public static long recvWithFds(int fd, MemorySegment dst, int[] fds, int[] fdCount)
      throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      // struct iovec { void *base; size_t len; }
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(JAVA_LONG, 0, dst.address());
      iov.set(JAVA_LONG, 8, dst.byteSize());
      // cmsg space for MAX_FDS ints: 16-byte header + 4 * MAX_FDS, rounded to 8.
      long controlBytes = 16 + 4L * MAX_FDS;
      MemorySegment control = arena.allocate(controlBytes, 8);
      // struct msghdr { name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad) }
      MemorySegment msg = arena.allocate(56, 8);
      msg.set(JAVA_LONG, 16, iov.address());
      msg.set(JAVA_LONG, 24, 1L);
      msg.set(JAVA_LONG, 32, control.address());
      msg.set(JAVA_LONG, 40, controlBytes);
      long n =
          checked("recvmsg", (a, c) -> (long) RECVMSG.invokeExact(c, fd, msg, MSG_CMSG_CLOEXEC));
      fdCount[0] = 0;
      long controlLen = msg.get(JAVA_LONG, 40);
      if (controlLen >= 16) {
        long cmsgLen = control.get(JAVA_LONG, 0);
        int level = control.get(JAVA_INT, 8);
        int type = control.get(JAVA_INT, 12);
        if (level == SOL_SOCKET && type == SCM_RIGHTS && cmsgLen >= 16 && cmsgLen <= controlBytes) {
          int count = (int) ((cmsgLen - 16) / 4);
          for (int i = 0; i < count; i++) {
            int passed = control.get(JAVA_INT, 16 + 4L * i);
            if (i < fds.length) {
              fds[i] = passed;
              fdCount[0]++;
            } else {
              close(passed); // more than the caller can take: never leak them
            }
          }
        }
      }
      return n;
    }
  }

  /** sendmsg(2) of all of {@code src} (native) with {@code fds} attached by SCM_RIGHTS. */
  public static void sendWithFds(int fd, MemorySegment src, int[] fds) throws ErrnoException {
    if (fds.length > MAX_FDS) {
      throw new IllegalArgumentException(fds.length + " descriptors in one message");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(JAVA_LONG, 0, src.address());
      iov.set(JAVA_LONG, 8, src.byteSize());
      MemorySegment msg = arena.allocate(56, 8);
      msg.set(JAVA_LONG, 16, iov.address());
      msg.set(JAVA_LONG, 24, 1L);
      if (fds.length > 0) {
        long controlBytes = (16 + 4L * fds.length + 7) & ~7L;
        MemorySegment control = arena.allocate(controlBytes, 8);
        control.set(JAVA_LONG, 0, 16 + 4L * fds.length);
        control.set(JAVA_INT, 8, SOL_SOCKET);
        control.set(JAVA_INT, 12, SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
          control.set(JAVA_INT, 16 + 4L * i, fds[i]);
        }
        msg.set(JAVA_LONG, 32, control.address());
        msg.set(JAVA_LONG, 40, controlBytes);
      }
      long n = checked("sendmsg", (a, c) -> (long) SENDMSG.invokeExact(c, fd, msg, 0));
      if (n != src.byteSize()) {
        throw new ErrnoException("sendmsg (short, " + n + " of " + src.byteSize() + ")", 5);
      }
    }
  }

  /** eventfd(2) with EFD_CLOEXEC. */
  public static int eventfd() throws ErrnoException {
    return (int) checked("eventfd", (a, c) -> (int) EVENTFD.invokeExact(c, 0, EFD_CLOEXEC));
  }

  /** Adds 1 to an eventfd counter. */
  public static void eventfdSignal(int fd) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment one = arena.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1L);
      write(fd, one);
    }
  }

  /** Reads and resets an eventfd counter, waiting at most {@code timeoutMillis}; 0 if none. */
  public static long eventfdWait(int fd, int timeoutMillis) throws ErrnoException {
    if (!pollIn(fd, timeoutMillis)) {
      return 0;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(JAVA_LONG);
      return read(fd, value) == 8 ? value.get(JAVA_LONG, 0) : 0;
    }
  }

  /**
   * A shared read-write mmap(2) of {@code length} bytes of {@code fd} from {@code offset} (page
   * aligned), as a segment whose lifetime is {@code arena}'s; the owner closes {@code arena} before
   * {@link #munmap}.
   */
  public static MemorySegment mmapShared(int fd, long length, long offset, Arena arena)
      throws ErrnoException {
    long address =
        checked(
            "mmap",
            (a, c) -> {
              MemorySegment p =
                  (MemorySegment)
                      MMAP.invokeExact(
                          c,
                          MemorySegment.NULL,
                          length,
                          PROT_READ | PROT_WRITE,
                          MAP_SHARED,
                          fd,
                          offset);
              return p.address() == -1L ? -1L : p.address();
            });
    // Restricted: the kernel mapped exactly `length` bytes at `address`, mapped until munmap,
    // which the owner calls only after closing `arena`; any thread may use it if `arena` is shared.
    return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
  }
}
