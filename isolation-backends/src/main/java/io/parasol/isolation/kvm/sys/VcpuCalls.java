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
    try {
      int r = (int) LibC.IOCTL_LONG.invokeExact(capture, vcpuFd, KvmAbi.KVM_RUN, 0L);
      return r < 0 ? -LibC.errno(capture) : r;
    } catch (Throwable t) {
      throw new IllegalStateException("KVM_RUN downcall failed", t);
    }
  }

  /** KVM_INTERRUPT with {@code vector}; returns 0 or minus the errno. */
  public int injectInterrupt(int vcpuFd, int vector) {
    interrupt.set(JAVA_INT, 0, vector);
    try {
      // The kernel reads the 4-byte struct during the call only.
      int r = (int) LibC.IOCTL_PTR.invokeExact(capture, vcpuFd, KvmAbi.KVM_INTERRUPT, interrupt);
      return r < 0 ? -LibC.errno(capture) : r;
    } catch (Throwable t) {
      throw new IllegalStateException("KVM_INTERRUPT downcall failed", t);
    }
  }

  /** gettid(2) of the calling thread. */
  public int gettid() {
    try {
      return (int) LibC.GETTID.invokeExact(capture);
    } catch (Throwable t) {
      throw new IllegalStateException("gettid downcall failed", t);
    }
  }

  /**
   * Blocks the kick signal in the calling thread and returns the thread's previous signal mask as
   * the kernel's 64-bit {@code sigset_t} (the first word of glibc's).
   */
  public long blockKickSignal() throws ErrnoException {
    try {
      int r =
          (int) LibC.PTHREAD_SIGMASK.invokeExact(capture, LibC.SIG_BLOCK, signalSet, oldSignalSet);
      if (r != 0) {
        throw new ErrnoException("pthread_sigmask", r);
      }
      return oldSignalSet.get(JAVA_LONG, 0);
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("pthread_sigmask downcall failed", t);
    }
  }

  /** Consumes every pending instance of the (blocked) kick signal without waiting. */
  public void drainKickSignal() {
    try {
      // sigtimedwait with a zero timeout returns the signal, or -1 (EAGAIN) when none is pending.
      int signal;
      do {
        signal =
            (int)
                LibC.SIGTIMEDWAIT.invokeExact(capture, signalSet, MemorySegment.NULL, zeroTimeout);
      } while (signal > 0); // real-time signals queue: take every instance
    } catch (Throwable t) {
      throw new IllegalStateException("sigtimedwait downcall failed", t);
    }
  }
}
