package io.parasol.isolation.kvm.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The calls a vCPU thread makes on every exit, with every buffer preallocated so the exit path
 * allocates nothing: the errno capture segment, the {@code kvm_interrupt} struct, the signal set
 * and the zero timeout for draining the kick signal.
 *
 * <p>Thread confinement: one instance per vCPU, used only by the thread currently inside {@code
 * VirtualProcessor.run} (the VM loop never runs one vCPU on two threads at once). The segments come
 * from an automatic arena, so they live as long as this object.
 */
public final class VcpuCalls {
  private final MemorySegment capture;
  private final MemorySegment interrupt;
  private final MemorySegment signalSet;
  private final MemorySegment oldSignalSet;
  private final MemorySegment zeroTimeout;

  /** Prepares the buffers for the kick signal {@code signal} (1..64). */
  public VcpuCalls(int signal) {
    Arena arena = Arena.ofAuto();
    capture = LibC.allocateCapture(arena);
    interrupt = arena.allocate(JAVA_INT); // struct kvm_interrupt { __u32 irq; }: 4 bytes
    signalSet = arena.allocate(LibC.GLIBC_SIGSET_BYTES, 8);
    oldSignalSet = arena.allocate(LibC.GLIBC_SIGSET_BYTES, 8);
    zeroTimeout = arena.allocate(16, 8); // struct timespec { tv_sec; tv_nsec; } = {0, 0}
    // sigset_t bit (signal - 1), little-endian 64-bit words.
    signalSet.set(JAVA_LONG, 0, 1L << (signal - 1));
  }

  /** KVM_RUN; returns its result, or minus the errno. */
  public int run(int vcpuFd) {
    int r = (int) LibC.syscall(capture, LibC.SYS_IOCTL, vcpuFd, KvmAbi.KVM_RUN, 0);
    return r < 0 ? -LibC.errno(capture) : r;
  }

  /** KVM_INTERRUPT with {@code vector}; returns 0 or minus the errno. */
  public int injectInterrupt(int vcpuFd, int vector) {
    interrupt.set(JAVA_INT, 0, vector);
    // The kernel reads the 4-byte struct during the call only.
    int r =
        (int)
            LibC.syscall(
                capture, LibC.SYS_IOCTL, vcpuFd, KvmAbi.KVM_INTERRUPT, interrupt.address());
    return r < 0 ? -LibC.errno(capture) : r;
  }

  /** gettid(2) of the calling thread. */
  public int gettid() {
    return (int) LibC.syscall(capture, LibC.SYS_GETTID, 0, 0, 0);
  }

  /**
   * Blocks the kick signal in the calling thread and returns the thread's previous signal mask as
   * the kernel's 64-bit {@code sigset_t} (the first word of glibc's).
   */
  public long blockKickSignal() throws ErrnoException {
    // rt_sigprocmask acts on the calling thread, as pthread_sigmask does; the kick signal is
    // not one of glibc's internal ones, which pthread_sigmask would refuse to block.
    long r =
        LibC.syscall(
            capture,
            LibC.SYS_RT_SIGPROCMASK,
            LibC.SIG_BLOCK,
            signalSet.address(),
            oldSignalSet.address(),
            KvmAbi.KERNEL_SIGSET_BYTES,
            0,
            0);
    if (r != 0) {
      throw new ErrnoException("rt_sigprocmask", LibC.errno(capture));
    }
    return oldSignalSet.get(JAVA_LONG, 0);
  }

  /** Consumes every pending instance of the (blocked) kick signal without waiting. */
  public void drainKickSignal() {
    // rt_sigtimedwait with a zero timeout returns the signal, or -1 (EAGAIN) when none is
    // pending.
    long signal;
    do {
      signal =
          LibC.syscall(
              capture,
              LibC.SYS_RT_SIGTIMEDWAIT,
              signalSet.address(),
              0,
              zeroTimeout.address(),
              KvmAbi.KERNEL_SIGSET_BYTES,
              0,
              0);
    } while (signal > 0); // real-time signals queue: take every instance
  }
}
