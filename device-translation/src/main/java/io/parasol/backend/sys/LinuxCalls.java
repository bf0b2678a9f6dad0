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
  private static final MethodHandle POLL =
      downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
  private static final MethodHandle STRERRORNAME_NP =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("strerrorname_np").orElse(MemorySegment.NULL),
          FunctionDescriptor.of(ADDRESS, JAVA_INT));

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

  /**
   * A shared read-write mmap(2) of {@code length} bytes of {@code fd}, as a segment whose lifetime
   * is {@code arena}'s. The owner closes {@code arena} before it calls {@link #munmap}.
   */
  public static MemorySegment mmapShared(int fd, long length, Arena arena) throws ErrnoException {
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
                          0L);
              return p.address() == -1L ? -1L : p.address();
            });
    // Restricted: the kernel mapped exactly `length` bytes at `address`, mapped until munmap,
    // which the owner calls only after closing `arena`; any thread may use it if `arena` is shared.
    return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
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
}
