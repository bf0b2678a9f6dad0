package io.parasol.isolation.kvm.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * The system calls the KVM backend needs, as FFM downcalls. Every call captures {@code errno} with
 * {@link Linker.Option#captureCallState} into a segment owned by the call (a confined arena for the
 * slow-path methods here, a per-vCPU segment for the hot path in {@link VcpuCalls}); no errno is
 * kept in shared static state.
 *
 * <p>Every call goes through one downcall, glibc's {@code syscall(2)} with six arguments: each
 * distinct FFM function shape costs the JVM a generated stub and its method-handle adapters when it
 * is first linked, about 10 ms on a fast host and up to a second where the CPU is emulated (the
 * nested lab), so one shape for all of them keeps {@code parasol run}'s start-up to a single stub.
 * Pointers travel as addresses of segments that belong to the caller's arena and stay alive for the
 * call.
 *
 * <p>Failures throw {@link ErrnoException} naming the operation the caller passes.
 */
public final class LibC {
  public static final int O_RDWR = 2;
  public static final int O_CLOEXEC = 0x80000;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  public static final int MAP_PRIVATE = 2;
  public static final int MAP_ANONYMOUS = 0x20;
  public static final int MAP_NORESERVE = 0x4000;
  public static final int MFD_CLOEXEC = 1;
  public static final int MADV_HUGEPAGE = 14;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int SIG_BLOCK = 0;
  public static final int SIG_UNBLOCK = 1;

  /** glibc's {@code sigset_t} is 1024 bits; the kernel's is 64 ({@code KVM_SET_SIGNAL_MASK}). */
  public static final int GLIBC_SIGSET_BYTES = 128;

  // x86-64 system call numbers (the kernel's arch/x86/entry/syscalls/syscall_64.tbl).
  static final long SYS_READ = 0;
  static final long SYS_WRITE = 1;
  static final long SYS_OPEN = 2;
  static final long SYS_CLOSE = 3;
  static final long SYS_POLL = 7;
  static final long SYS_MMAP = 9;
  static final long SYS_MUNMAP = 11;
  static final long SYS_MADVISE = 28;
  static final long SYS_RT_SIGPROCMASK = 14;
  static final long SYS_IOCTL = 16;
  static final long SYS_GETPID = 39;
  static final long SYS_FTRUNCATE = 77;
  static final long SYS_CHDIR = 80;
  static final long SYS_RT_SIGTIMEDWAIT = 128;
  static final long SYS_PRCTL = 157;
  static final long SYS_GETTID = 186;
  static final long SYS_TGKILL = 234;
  static final long SYS_EVENTFD2 = 290;
  static final long SYS_MEMFD_CREATE = 319;

  private static final int EINTR = 4;
  private static final int PR_SET_PDEATHSIG = 1;
  private static final long TCGETS = 0x5401;
  private static final int TERMIOS_BYTES = 60;

  private static final Linker LINKER = Linker.nativeLinker();

  /** The layout {@code captureCallState("errno")} writes. */
  static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

  private static final long ERRNO_OFFSET =
      CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

  /**
   * {@code long syscall(long number, ...)} with six variadic {@code long} arguments (the kernel
   * ignores those a call does not take) and {@code errno} captured into the leading segment.
   */
  private static final MethodHandle SYSCALL =
      LINKER.downcallHandle(
          LINKER
              .defaultLookup()
              .find("syscall")
              .orElseThrow(() -> new IllegalStateException("libc has no syscall")),
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
              JAVA_LONG),
          Linker.Option.captureCallState("errno"),
          Linker.Option.firstVariadicArg(1));

  private LibC() {}

  /**
   * One system call; returns its result, or -1 with the errno in {@code capture}. Allocates
   * nothing, so the vCPU hot path ({@link VcpuCalls}) uses it directly.
   */
  static long syscall(
      MemorySegment capture, long number, long a1, long a2, long a3, long a4, long a5, long a6) {
    try {
      return (long) SYSCALL.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@link #syscall} with fewer arguments: the rest are zero. */
  static long syscall(MemorySegment capture, long number, long a1, long a2, long a3) {
    return syscall(capture, number, a1, a2, a3, 0, 0, 0);
  }

  /** A capture segment for one call or one thread's calls. */
  static MemorySegment allocateCapture(Arena arena) {
    return arena.allocate(CAPTURE_LAYOUT);
  }

  /** The errno a call wrote into {@code capture}. */
  static int errno(MemorySegment capture) {
    return capture.get(JAVA_INT, ERRNO_OFFSET);
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

  /** One native call: gets the arena for its arguments and the errno capture segment. */
  @FunctionalInterface
  private interface NativeCall {
    long invoke(Arena arena, MemorySegment capture);
  }

  /**
   * Runs {@code call} with a fresh confined arena and errno capture, and turns a negative result
   * into an {@link ErrnoException} naming {@code operation}. Not for the vCPU hot path: it
   * allocates (see {@link VcpuCalls} for that).
   */
  private static long checked(String operation, NativeCall call) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = allocateCapture(arena);
      long r = call.invoke(arena, capture);
      if (r < 0) {
        throw new ErrnoException(operation, errno(capture));
      }
      return r;
    }
  }

  /** open(2); returns the file descriptor. */
  public static int open(String path, int flags, String operation) throws ErrnoException {
    return (int)
        checked(
            operation, (a, c) -> syscall(c, SYS_OPEN, a.allocateFrom(path).address(), flags, 0));
  }

  /** close(2); errors are ignored (the descriptor is gone either way on Linux). */
  public static void close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      long unused = syscall(allocateCapture(arena), SYS_CLOSE, fd, 0, 0);
    }
  }

  /** ioctl(2) with an integer argument (or none); returns the non-negative result. */
  public static int ioctl(int fd, long request, long arg, String operation) throws ErrnoException {
    return (int) checked(operation, (a, c) -> syscall(c, SYS_IOCTL, fd, request, arg));
  }

  /**
   * ioctl(2) with a pointer argument; returns the non-negative result. {@code arg} must be native
   * memory at least as large as the request's struct and stay alive for the call (the caller's
   * arena guarantees both); the kernel reads or writes it only during the call.
   */
  public static int ioctl(int fd, long request, MemorySegment arg, String operation)
      throws ErrnoException {
    return (int) checked(operation, (a, c) -> syscall(c, SYS_IOCTL, fd, request, arg.address()));
  }

  /**
   * mmap(2) of {@code length} bytes of {@code fd}, returned as a segment of exactly that length
   * whose lifetime is {@code arena}'s: the owner must close the arena (so Java code can no longer
   * reach the memory) before it calls {@link #munmap}.
   */
  public static MemorySegment mmap(
      long length, int prot, int flags, int fd, long offset, Arena arena, String operation)
      throws ErrnoException {
    try (Arena callArena = Arena.ofConfined()) {
      MemorySegment capture = allocateCapture(callArena);
      long address = syscall(capture, SYS_MMAP, 0, length, prot, flags, fd, offset);
      // The kernel returns -errno in [-4095, -1]; glibc turns it into -1 and errno.
      if (address == -1L) {
        throw new ErrnoException(operation, errno(capture));
      }
      // Restricted: the kernel mapped exactly `length` bytes at `address`; they stay mapped until
      // munmap, which the owner calls only after closing `arena`. Any thread may use the segment
      // if `arena` is shared.
      return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
    }
  }

  /**
   * Private anonymous memory of {@code length} bytes whose start is a multiple of {@code alignment}
   * (a power of two), as a segment of exactly that length owned by {@code arena}: a larger mapping
   * trimmed at both ends. Aligned to 2 MiB it can be backed by transparent huge pages, and KVM maps
   * those to the guest as huge pages too when the guest-physical address is aligned alike. The
   * owner closes {@code arena} before it calls {@link #munmap}.
   */
  public static MemorySegment mmapAnonymous(long length, long alignment, Arena arena)
      throws ErrnoException {
    if (Long.bitCount(alignment) != 1 || length <= 0) {
      throw new IllegalArgumentException("length " + length + ", alignment " + alignment);
    }
    long reserved = length + alignment;
    long base =
        checked(
            "mmap anonymous guest RAM",
            (a, c) ->
                syscall(
                    c,
                    SYS_MMAP,
                    0,
                    reserved,
                    PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1,
                    0));
    long start = (base + alignment - 1) & -alignment;
    if (start > base) {
      munmap(base, start - base);
    }
    long end = start + length;
    if (base + reserved > end) {
      munmap(end, base + reserved - end);
    }
    // Restricted: exactly [start, start + length) stays mapped until the owner's munmap.
    return MemorySegment.ofAddress(start).reinterpret(length, arena, null);
  }

  /** madvise(2) of {@code [address, address + length)}. */
  public static void madvise(long address, long length, int advice) throws ErrnoException {
    checked("madvise", (a, c) -> syscall(c, SYS_MADVISE, address, length, advice));
  }

  /** munmap(2) of a mapping made by {@link #mmap}, by address and length. */
  public static void munmap(long address, long length) throws ErrnoException {
    checked("munmap", (a, c) -> syscall(c, SYS_MUNMAP, address, length, 0));
  }

  /** memfd_create(2); returns the file descriptor. */
  public static int memfdCreate(String name, int flags) throws ErrnoException {
    return (int)
        checked(
            "memfd_create",
            (a, c) -> syscall(c, SYS_MEMFD_CREATE, a.allocateFrom(name).address(), flags, 0));
  }

  /** ftruncate(2). */
  public static void ftruncate(int fd, long length) throws ErrnoException {
    checked("ftruncate", (a, c) -> syscall(c, SYS_FTRUNCATE, fd, length, 0));
  }

  /** eventfd(2) (the eventfd2 system call, as glibc makes it); returns the file descriptor. */
  public static int eventfd(int initialValue, int flags) throws ErrnoException {
    return (int) checked("eventfd", (a, c) -> syscall(c, SYS_EVENTFD2, initialValue, flags, 0));
  }

  /** Adds {@code value} to an eventfd counter (an 8-byte write(2)). */
  public static void eventfdWrite(int fd, long value) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = allocateCapture(arena);
      MemorySegment buf = arena.allocate(JAVA_LONG);
      buf.set(JAVA_LONG, 0, value);
      long n;
      do {
        n = syscall(capture, SYS_WRITE, fd, buf.address(), 8);
      } while (n < 0 && errno(capture) == EINTR);
      if (n != 8) {
        throw new ErrnoException("eventfd write", n < 0 ? errno(capture) : Errno.EIO);
      }
    }
  }

  /**
   * Reads and resets an eventfd counter (an 8-byte read(2)). With {@code wait} false, returns 0 at
   * once if the counter is zero (checked with poll(2), so the descriptor can stay blocking).
   */
  public static long eventfdRead(int fd, boolean wait) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = allocateCapture(arena);
      if (!wait) {
        // struct pollfd { int fd; short events; short revents; }, POLLIN = 1.
        MemorySegment pollfd = arena.allocate(8, 4);
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, (short) 1);
        long ready = syscall(capture, SYS_POLL, pollfd.address(), 1, 0);
        if (ready < 0) {
          throw new ErrnoException("poll", errno(capture));
        }
        if (ready == 0) {
          return 0;
        }
      }
      MemorySegment buf = arena.allocate(JAVA_LONG);
      long n;
      do {
        n = syscall(capture, SYS_READ, fd, buf.address(), 8);
      } while (n < 0 && errno(capture) == EINTR);
      if (n != 8) {
        throw new ErrnoException("eventfd read", n < 0 ? errno(capture) : Errno.EIO);
      }
      return buf.get(JAVA_LONG, 0);
    }
  }

  /** getpid(2). */
  public static int getpid() {
    try (Arena arena = Arena.ofConfined()) {
      return (int) syscall(allocateCapture(arena), SYS_GETPID, 0, 0, 0);
    }
  }

  /**
   * tgkill(2): sends {@code signal} to one thread of this process. Callers must only target a
   * thread that has the signal blocked or handled (see {@link VcpuCalls}); an unhandled real-time
   * signal would otherwise terminate the JVM.
   */
  public static void tgkill(int pid, int tid, int signal) throws ErrnoException {
    checked("tgkill", (a, c) -> syscall(c, SYS_TGKILL, pid, tid, signal));
  }

  /**
   * chdir(2): the process's working directory, which relative paths given to the kernel resolve
   * against. Java's own {@code user.dir} (and so {@code Path.toAbsolutePath}) keeps its value.
   */
  public static void chdir(String path) throws ErrnoException {
    checked("chdir " + path, (a, c) -> syscall(c, SYS_CHDIR, a.allocateFrom(path).address(), 0, 0));
  }

  /** prctl(PR_SET_PDEATHSIG): the signal this process gets when its parent ends. */
  public static void setParentDeathSignal(int signal) throws ErrnoException {
    checked(
        "prctl(PR_SET_PDEATHSIG)", (a, c) -> syscall(c, SYS_PRCTL, PR_SET_PDEATHSIG, signal, 0));
  }

  /**
   * Whether {@code fd} is a terminal (isatty(3): the terminal ioctl {@code TCGETS} succeeds). Asked
   * of the kernel each time, unlike {@code System.console()}, which decides once per JVM.
   */
  public static boolean isTerminal(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment termios = arena.allocate(TERMIOS_BYTES);
      return syscall(allocateCapture(arena), SYS_IOCTL, fd, TCGETS, termios.address()) == 0;
    }
  }
}
