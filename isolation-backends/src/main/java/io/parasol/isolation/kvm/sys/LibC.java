package io.parasol.isolation.kvm.sys;

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
 * The C library calls the KVM backend needs, as FFM downcalls. Every call captures {@code errno}
 * with {@link Linker.Option#captureCallState} into a segment owned by the call (a confined arena
 * for the slow-path methods here, a per-vCPU segment for the hot path in {@link VcpuCalls}); no
 * errno is kept in shared static state.
 *
 * <p>Failures throw {@link ErrnoException} naming the operation the caller passes.
 */
public final class LibC {
  public static final int O_RDWR = 2;
  public static final int O_CLOEXEC = 0x80000;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  public static final int MAP_NORESERVE = 0x4000;
  public static final int MFD_CLOEXEC = 1;
  public static final int EFD_CLOEXEC = 0x80000;
  public static final int SIG_BLOCK = 0;
  public static final int SIG_UNBLOCK = 1;

  /** glibc's {@code sigset_t} is 1024 bits; the kernel's is 64 ({@code KVM_SET_SIGNAL_MASK}). */
  public static final int GLIBC_SIGSET_BYTES = 128;

  private static final Linker LINKER = Linker.nativeLinker();

  /** The layout {@code captureCallState("errno")} writes. */
  static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

  // int open(const char *path, int flags, ...): mode is variadic.
  private static final MethodHandle OPEN =
      downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
  // int ioctl(int fd, unsigned long request, ...): the argument is variadic, a pointer or a long.
  static final MethodHandle IOCTL_PTR =
      downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
  static final MethodHandle IOCTL_LONG =
      downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);
  private static final MethodHandle MMAP =
      downcall(
          "mmap",
          FunctionDescriptor.of(
              ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
          -1);
  private static final MethodHandle MUNMAP =
      downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle MEMFD_CREATE =
      downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), -1);
  private static final MethodHandle FTRUNCATE =
      downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), -1);
  private static final MethodHandle EVENTFD =
      downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
  private static final MethodHandle READ =
      downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle WRITE =
      downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
  private static final MethodHandle POLL =
      downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
  private static final MethodHandle GETPID =
      downcall("getpid", FunctionDescriptor.of(JAVA_INT), -1);
  static final MethodHandle GETTID = downcall("gettid", FunctionDescriptor.of(JAVA_INT), -1);
  private static final MethodHandle TGKILL =
      downcall("tgkill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
  // pthread_sigmask returns the error number instead of setting errno.
  static final MethodHandle PTHREAD_SIGMASK =
      downcall("pthread_sigmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), -1);
  static final MethodHandle SIGTIMEDWAIT =
      downcall("sigtimedwait", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), -1);

  private LibC() {}

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

  /** A capture segment for one call or one thread's calls. */
  static MemorySegment allocateCapture(Arena arena) {
    return arena.allocate(CAPTURE_LAYOUT);
  }

  /** The errno a call wrote into {@code capture}. */
  static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
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
    long invoke(Arena arena, MemorySegment capture) throws Throwable;
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
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** open(2); returns the file descriptor. */
  public static int open(String path, int flags, String operation) throws ErrnoException {
    return (int)
        checked(operation, (a, c) -> (int) OPEN.invokeExact(c, a.allocateFrom(path), flags, 0));
  }

  /** close(2); errors are ignored (the descriptor is gone either way on Linux). */
  public static void close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int unused = (int) CLOSE.invokeExact(allocateCapture(arena), fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** ioctl(2) with an integer argument (or none); returns the non-negative result. */
  public static int ioctl(int fd, long request, long arg, String operation) throws ErrnoException {
    return (int) checked(operation, (a, c) -> (int) IOCTL_LONG.invokeExact(c, fd, request, arg));
  }

  /**
   * ioctl(2) with a pointer argument; returns the non-negative result. {@code arg} must be native
   * memory at least as large as the request's struct and stay alive for the call (the caller's
   * arena guarantees both); the kernel reads or writes it only during the call.
   */
  public static int ioctl(int fd, long request, MemorySegment arg, String operation)
      throws ErrnoException {
    return (int) checked(operation, (a, c) -> (int) IOCTL_PTR.invokeExact(c, fd, request, arg));
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
      MemorySegment address =
          (MemorySegment)
              MMAP.invokeExact(capture, MemorySegment.NULL, length, prot, flags, fd, offset);
      if (address.address() == -1L) {
        throw new ErrnoException(operation, errno(capture));
      }
      // Restricted: the kernel mapped exactly `length` bytes at `address`; they stay mapped until
      // munmap, which the owner calls only after closing `arena`. Any thread may use the segment
      // if `arena` is shared.
      return address.reinterpret(length, arena, null);
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** munmap(2) of a mapping made by {@link #mmap}, by address and length. */
  public static void munmap(long address, long length) throws ErrnoException {
    checked(
        "munmap", (a, c) -> (int) MUNMAP.invokeExact(c, MemorySegment.ofAddress(address), length));
  }

  /** memfd_create(2); returns the file descriptor. */
  public static int memfdCreate(String name, int flags) throws ErrnoException {
    return (int)
        checked(
            "memfd_create",
            (a, c) -> (int) MEMFD_CREATE.invokeExact(c, a.allocateFrom(name), flags));
  }

  /** ftruncate(2). */
  public static void ftruncate(int fd, long length) throws ErrnoException {
    checked("ftruncate", (a, c) -> (int) FTRUNCATE.invokeExact(c, fd, length));
  }

  /** eventfd(2); returns the file descriptor. */
  public static int eventfd(int initialValue, int flags) throws ErrnoException {
    return (int) checked("eventfd", (a, c) -> (int) EVENTFD.invokeExact(c, initialValue, flags));
  }

  /** Adds {@code value} to an eventfd counter (an 8-byte write(2)). */
  public static void eventfdWrite(int fd, long value) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = allocateCapture(arena);
      MemorySegment buf = arena.allocate(JAVA_LONG);
      buf.set(JAVA_LONG, 0, value);
      long n;
      do {
        n = (long) WRITE.invokeExact(capture, fd, buf, 8L);
      } while (n < 0 && errno(capture) == Errno.EINTR);
      if (n != 8) {
        throw new ErrnoException("eventfd write", n < 0 ? errno(capture) : Errno.EIO);
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
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
        pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 1);
        int ready = (int) POLL.invokeExact(capture, pollfd, 1L, 0);
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
        n = (long) READ.invokeExact(capture, fd, buf, 8L);
      } while (n < 0 && errno(capture) == Errno.EINTR);
      if (n != 8) {
        throw new ErrnoException("eventfd read", n < 0 ? errno(capture) : Errno.EIO);
      }
      return buf.get(JAVA_LONG, 0);
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** getpid(2). */
  public static int getpid() {
    try (Arena arena = Arena.ofConfined()) {
      return (int) GETPID.invokeExact(allocateCapture(arena));
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * tgkill(2): sends {@code signal} to one thread of this process. Callers must only target a
   * thread that has the signal blocked or handled (see {@link VcpuCalls}); an unhandled real-time
   * signal would otherwise terminate the JVM.
   */
  public static void tgkill(int pid, int tid, int signal) throws ErrnoException {
    checked("tgkill", (a, c) -> (int) TGKILL.invokeExact(c, pid, tid, signal));
  }
}
