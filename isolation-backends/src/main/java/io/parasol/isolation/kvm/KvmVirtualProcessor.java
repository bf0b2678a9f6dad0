package io.parasol.isolation.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.parasol.isolation.CpuIo;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.VirtualProcessor;
import io.parasol.isolation.VpExit;
import io.parasol.isolation.X86DescriptorTable;
import io.parasol.isolation.X86Registers;
import io.parasol.isolation.X86Segment;
import io.parasol.isolation.X86SpecialRegisters;
import io.parasol.isolation.kvm.sys.Errno;
import io.parasol.isolation.kvm.sys.ErrnoException;
import io.parasol.isolation.kvm.sys.KvmAbi;
import io.parasol.isolation.kvm.sys.LibC;
import io.parasol.isolation.kvm.sys.VcpuCalls;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.irq.ExtIntSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One KVM vCPU: its fd, its mmap'ed {@code kvm_run} page, and the exit loop.
 *
 * <p>Kicking: {@link #requestStop()} and {@link #extIntChanged()} must get the vCPU out of KVM_RUN
 * even when it sleeps in the kernel (HLT is handled there with the in-kernel LAPIC). As QEMU does,
 * the vCPU thread blocks a real-time signal ({@link #KICK_SIGNAL}) in its normal mask and gives KVM
 * a mask with it unblocked (api.rst 4.35 KVM_SET_SIGNAL_MASK), so the signal interrupts KVM_RUN
 * with EINTR and is then consumed with sigtimedwait; no handler is installed. Signals go only to
 * the thread id registered while a {@link #run} is in progress, which has the signal blocked, so a
 * kick can never reach (and kill) another JVM thread. {@code immediate_exit} (api.rst 5 "struct
 * kvm_run") covers a kick that lands just before KVM_RUN.
 */
public final class KvmVirtualProcessor implements VirtualProcessor {
  /**
   * SIGRTMIN+6 with glibc's SIGRTMIN of 34 (glibc keeps 32 and 33); the JVM uses no real-time
   * signal.
   */
  public static final int KICK_SIGNAL = 40;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(KvmVirtualProcessor.class);
  private static final VpExit.Stopped STOPPED = new VpExit.Stopped();
  private static final VpExit.Halted HALTED = new VpExit.Halted();
  private static final int PID = LibC.getpid();

  private final KvmPartition partition;
  private final int index;

  /** KVM_RUN's returns by exit reason (all reasons KVM defines are below 64), for debugging. */
  private final long[] exitCounts = new long[64];

  private long interruptedRuns;
  private final int fd;
  private final long runAddress;
  private final MemorySegment run;
  private final KvmIoData ioData;
  private final VcpuCalls calls = new VcpuCalls(KICK_SIGNAL);

  private volatile boolean stopRequested;
  private volatile ExtIntSource extIntSource;
  // Set by extIntChanged (any thread), cleared by the vCPU thread before it looks at the PIC: the
  // PIC is consulted only when its INTR may have changed or an injection is still owed.
  private volatile boolean extIntCheck = true;
  private final AtomicBoolean kickPending = new AtomicBoolean();
  private final Object kickLock = new Object();
  private int runningTid; // guarded by kickLock; 0 when no thread is inside run()
  private Thread runningThread; // guarded by kickLock; the thread inside run(), or null
  private Thread preparedThread; // the thread whose signal mask KVM has; vCPU thread only
  private boolean released;

  KvmVirtualProcessor(KvmPartition partition, int index, int fd) throws HypervisorException {
    this.partition = partition;
    this.index = index;
    this.fd = fd;
    MemorySegment mapped = null;
    try {
      // api.rst 4.10 KVM_RUN: the kvm_run struct is shared through an mmap of the vCPU fd of
      // KVM_GET_VCPU_MMAP_SIZE bytes. Its segment lives in the partition's shared arena: the
      // vCPU thread uses it for exits, other threads write immediate_exit.
      this.run =
          LibC.mmap(
              partition.mmapSize(),
              LibC.PROT_READ | LibC.PROT_WRITE,
              LibC.MAP_SHARED,
              fd,
              0,
              partition.arena(),
              "mmap kvm_run");
      mapped = run;
      this.runAddress = run.address();
      setCpuid(partition.supportedCpuid().forVcpu(index, partition.config().vpCount()));
    } catch (HypervisorException | RuntimeException e) {
      if (mapped != null) {
        // Nothing else refers to the segment: this constructor is failing.
        KvmPartition.unmap(mapped.address(), partition.mmapSize());
      }
      LibC.close(fd);
      throw e;
    }
    this.ioData = new KvmIoData(run);
  }

  private void setCpuid(CpuidEntries cpuid) throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      LibC.ioctl(fd, KvmAbi.KVM_SET_CPUID2, cpuid.toKvmCpuid2(a), "KVM_SET_CPUID2");
    }
  }

  @Override
  public int index() {
    return index;
  }

  // ---------------------------------------------------------------- the exit loop

  @Override
  public VpExit run(CpuIo io) throws HypervisorException {
    Thread current = Thread.currentThread();
    if (current.isVirtual()) {
      throw new IllegalStateException("a vCPU must run on a platform thread, not a virtual one");
    }
    if (preparedThread != current) {
      prepareThread();
      preparedThread = current;
    }
    synchronized (kickLock) {
      if (runningTid != 0) {
        throw new IllegalStateException("vCPU " + index + " is already running");
      }
      runningTid = calls.gettid();
      runningThread = current;
    }
    kickPending.set(false);
    calls.drainKickSignal();
    try {
      return loop(io);
    } finally {
      if (LOG.isDebugEnabled()) {
        LOG.debug("vCPU {}: {}", index, exitCountSummary());
      }
      synchronized (kickLock) {
        runningTid = 0;
        runningThread = null;
      }
    }
  }

  /** Blocks the kick signal in this thread and gives KVM this thread's mask without it. */
  private void prepareThread() throws HypervisorException {
    long oldMask = calls.blockKickSignal();
    long runMask = oldMask & ~(1L << (KICK_SIGNAL - 1));
    try (Arena a = Arena.ofConfined()) {
      MemorySegment mask = a.allocate(4 + KvmAbi.KERNEL_SIGSET_BYTES, 8);
      mask.set(JAVA_INT, 0, KvmAbi.KERNEL_SIGSET_BYTES);
      mask.set(JAVA_LONG.withByteAlignment(4), 4, runMask);
      LibC.ioctl(fd, KvmAbi.KVM_SET_SIGNAL_MASK, mask, "KVM_SET_SIGNAL_MASK");
    }
  }

  private VpExit loop(CpuIo io) throws HypervisorException {
    while (true) {
      ExtIntSource source = extIntSource;
      if (source != null && extIntCheck) {
        // Clear before looking: a raise after this point sets the flag again and kicks.
        extIntCheck = false;
        if (offerExtInt(source)) {
          extIntCheck = true;
        }
      }
      int r = calls.run(fd);
      if (r < 0) {
        interruptedRuns++;
        if (r == -Errno.EINTR || r == -Errno.EAGAIN) {
          if (interrupted()) {
            return STOPPED;
          }
          continue;
        }
        throw new ErrnoException("KVM_RUN", -r);
      }
      int reason = run.get(JAVA_INT, KvmAbi.RUN_EXIT_REASON);
      exitCounts[reason & (exitCounts.length - 1)]++;
      switch (reason) {
        case KvmAbi.KVM_EXIT_IO -> portIo(io);
        case KvmAbi.KVM_EXIT_MMIO -> mmio(io);
        case KvmAbi.KVM_EXIT_IOAPIC_EOI ->
            io.endOfInterrupt(run.get(JAVA_BYTE, KvmAbi.RUN_EOI_VECTOR) & 0xFF);
        case KvmAbi.KVM_EXIT_IRQ_WINDOW_OPEN -> {
          // The loop's top injects the pending ExtINT now that the guest can take it.
        }
        case KvmAbi.KVM_EXIT_INTR -> {
          if (interrupted()) {
            return STOPPED;
          }
        }
        case KvmAbi.KVM_EXIT_HLT -> {
          return HALTED;
        }
        case KvmAbi.KVM_EXIT_SHUTDOWN -> {
          // On AMD the registers are no longer the faulting ones: kvm_amd re-initialises the
          // VMCB on a shutdown intercept (an INIT: rip fff0, CS base ffff0000, CR0 keeps only
          // ET), so the exit counts are what tells how far the guest got.
          return new VpExit.TripleFault(describeState());
        }
        case KvmAbi.KVM_EXIT_SYSTEM_EVENT -> {
          return systemEvent();
        }
        case KvmAbi.KVM_EXIT_INTERNAL_ERROR -> {
          return new VpExit.InternalError(describeInternalError(), describeState());
        }
        case KvmAbi.KVM_EXIT_FAIL_ENTRY -> {
          return new VpExit.InternalError(
              String.format(
                  "KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%x on host cpu %d",
                  run.get(JAVA_LONG, KvmAbi.RUN_FAIL_ENTRY_REASON),
                  run.get(JAVA_INT, KvmAbi.RUN_FAIL_ENTRY_CPU)),
              describeState());
        }
        default -> {
          return new VpExit.InternalError(
              "unhandled KVM exit " + exitName(reason) + " (" + reason + ")", describeState());
        }
      }
    }
  }

  /** KVM_RUN's returns so far by exit reason, e.g. {@code KVM_EXIT_IO 5200, EINTR 3}. */
  private String exitCountSummary() {
    StringBuilder out = new StringBuilder("KVM_RUN returns:");
    for (int reason = 0; reason < exitCounts.length; reason++) {
      if (exitCounts[reason] > 0) {
        out.append(' ').append(exitName(reason)).append(' ').append(exitCounts[reason]).append(',');
      }
    }
    return out.append(" EINTR ").append(interruptedRuns).toString();
  }

  /** After EINTR: consume the kick, then say whether the run must end. */
  private boolean interrupted() {
    // Clear the flag before draining: a kick after this point sends a fresh signal, which either
    // is drained here or makes the next KVM_RUN return EINTR at once. Nothing is lost.
    kickPending.set(false);
    calls.drainKickSignal();
    return stopRequested;
  }

  /**
   * ExtINT from the PIC through LINT0 (split irqchip): inject when KVM says the vCPU can take an
   * external interrupt, else ask for an interrupt-window exit (api.rst 4.16 KVM_INTERRUPT and 5
   * request_interrupt_window / ready_for_interrupt_injection).
   *
   * @return whether an interrupt is still pending, so the PIC must be looked at again before the
   *     next entry
   */
  private boolean offerExtInt(ExtIntSource source) throws HypervisorException {
    if (!source.interruptPending()) {
      run.set(JAVA_BYTE, KvmAbi.RUN_REQUEST_INTERRUPT_WINDOW, (byte) 0);
      return false;
    }
    if (run.get(JAVA_BYTE, KvmAbi.RUN_READY_FOR_INTERRUPT_INJECTION) != 0
        && run.get(JAVA_BYTE, KvmAbi.RUN_IF_FLAG) != 0) {
      int vector = source.acknowledgeInterrupt();
      int r = calls.injectInterrupt(fd, vector & 0xFF);
      if (r < 0) {
        throw new ErrnoException("KVM_INTERRUPT", -r);
      }
      boolean more = source.interruptPending();
      run.set(JAVA_BYTE, KvmAbi.RUN_REQUEST_INTERRUPT_WINDOW, (byte) (more ? 1 : 0));
      return more;
    }
    run.set(JAVA_BYTE, KvmAbi.RUN_REQUEST_INTERRUPT_WINDOW, (byte) 1);
    return true;
  }

  private void portIo(CpuIo io) {
    int sizeBytes = run.get(JAVA_BYTE, KvmAbi.RUN_IO_SIZE);
    int port = run.get(JAVA_SHORT, KvmAbi.RUN_IO_PORT) & 0xFFFF;
    int count = run.get(JAVA_INT, KvmAbi.RUN_IO_COUNT);
    long offset = run.get(JAVA_LONG, KvmAbi.RUN_IO_DATA_OFFSET);
    if (!AccessSize.isValid(sizeBytes)) {
      return; // cannot happen for IN/OUT (1, 2 or 4 bytes); leave the data as KVM gave it
    }
    AccessSize size = AccessSize.ofBytes(sizeBytes);
    boolean out = run.get(JAVA_BYTE, KvmAbi.RUN_IO_DIRECTION) == KvmAbi.KVM_EXIT_IO_OUT;
    // String I/O (INS/OUTS, REP) hands over `count` elements back to back.
    for (int i = 0; i < count; i++) {
      ioData.point(offset + (long) i * sizeBytes, size);
      if (out) {
        io.writePort(port, ioData);
      } else {
        ioData.setValue(size.allOnes());
        io.readPort(port, ioData);
      }
    }
  }

  private void mmio(CpuIo io) {
    long gpa = run.get(JAVA_LONG, KvmAbi.RUN_MMIO_PHYS_ADDR);
    int length = run.get(JAVA_INT, KvmAbi.RUN_MMIO_LEN);
    boolean write = run.get(JAVA_BYTE, KvmAbi.RUN_MMIO_IS_WRITE) != 0;
    if (!AccessSize.isValid(length)) {
      // Not a width a device can take: reads see all ones, writes are dropped.
      if (!write) {
        run.set(JAVA_LONG, KvmAbi.RUN_MMIO_DATA, -1L);
      }
      return;
    }
    AccessSize size = AccessSize.ofBytes(length);
    ioData.point(KvmAbi.RUN_MMIO_DATA, size);
    if (write) {
      io.writeMmio(gpa, ioData);
    } else {
      ioData.setValue(size.allOnes());
      io.readMmio(gpa, ioData);
    }
  }

  private VpExit systemEvent() {
    int type = run.get(JAVA_INT, KvmAbi.RUN_SYSTEM_EVENT_TYPE);
    int ndata = run.get(JAVA_INT, KvmAbi.RUN_SYSTEM_EVENT_NDATA);
    long code = ndata > 0 ? run.get(JAVA_LONG, KvmAbi.RUN_SYSTEM_EVENT_DATA) : type;
    VpExit.SystemEvent.Kind kind =
        switch (type) {
          case KvmAbi.KVM_SYSTEM_EVENT_SHUTDOWN -> VpExit.SystemEvent.Kind.SHUTDOWN;
          case KvmAbi.KVM_SYSTEM_EVENT_RESET -> VpExit.SystemEvent.Kind.RESET;
          case KvmAbi.KVM_SYSTEM_EVENT_CRASH -> VpExit.SystemEvent.Kind.CRASH;
          default -> VpExit.SystemEvent.Kind.OTHER;
        };
    return new VpExit.SystemEvent(kind, code);
  }

  private String describeInternalError() {
    int suberror = run.get(JAVA_INT, KvmAbi.RUN_INTERNAL_SUBERROR);
    int ndata = Math.min(run.get(JAVA_INT, KvmAbi.RUN_INTERNAL_NDATA), 16);
    StringBuilder sb = new StringBuilder("KVM_EXIT_INTERNAL_ERROR: ");
    sb.append(
        switch (suberror) {
          case KvmAbi.KVM_INTERNAL_ERROR_EMULATION ->
              "KVM_INTERNAL_ERROR_EMULATION (instruction" + " emulation failed)";
          case KvmAbi.KVM_INTERNAL_ERROR_SIMUL_EX ->
              "KVM_INTERNAL_ERROR_SIMUL_EX (exception" + " while delivering an exception)";
          case KvmAbi.KVM_INTERNAL_ERROR_DELIVERY_EV ->
              "KVM_INTERNAL_ERROR_DELIVERY_EV (exit" + " while delivering an event)";
          case KvmAbi.KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON ->
              "KVM_INTERNAL_ERROR_UNEXPECTED" + "_EXIT_REASON";
          default -> "suberror " + suberror;
        });
    if (ndata > 0) {
      sb.append("; data");
      for (int i = 0; i < ndata; i++) {
        sb.append(String.format(" %016x", run.get(JAVA_LONG, KvmAbi.RUN_INTERNAL_DATA + 8L * i)));
      }
    }
    return sb.toString();
  }

  static String exitName(int reason) {
    return switch (reason) {
      case KvmAbi.KVM_EXIT_UNKNOWN -> "KVM_EXIT_UNKNOWN";
      case KvmAbi.KVM_EXIT_EXCEPTION -> "KVM_EXIT_EXCEPTION";
      case KvmAbi.KVM_EXIT_IO -> "KVM_EXIT_IO";
      case KvmAbi.KVM_EXIT_HYPERCALL -> "KVM_EXIT_HYPERCALL";
      case KvmAbi.KVM_EXIT_DEBUG -> "KVM_EXIT_DEBUG";
      case KvmAbi.KVM_EXIT_HLT -> "KVM_EXIT_HLT";
      case KvmAbi.KVM_EXIT_MMIO -> "KVM_EXIT_MMIO";
      case KvmAbi.KVM_EXIT_IRQ_WINDOW_OPEN -> "KVM_EXIT_IRQ_WINDOW_OPEN";
      case KvmAbi.KVM_EXIT_SHUTDOWN -> "KVM_EXIT_SHUTDOWN";
      case KvmAbi.KVM_EXIT_FAIL_ENTRY -> "KVM_EXIT_FAIL_ENTRY";
      case KvmAbi.KVM_EXIT_INTR -> "KVM_EXIT_INTR";
      case KvmAbi.KVM_EXIT_INTERNAL_ERROR -> "KVM_EXIT_INTERNAL_ERROR";
      case KvmAbi.KVM_EXIT_SYSTEM_EVENT -> "KVM_EXIT_SYSTEM_EVENT";
      case KvmAbi.KVM_EXIT_IOAPIC_EOI -> "KVM_EXIT_IOAPIC_EOI";
      default -> "exit reason";
    };
  }

  // ---------------------------------------------------------------- cross-thread control

  @Override
  public void requestStop() {
    stopRequested = true;
    run.set(JAVA_BYTE, KvmAbi.RUN_IMMEDIATE_EXIT, (byte) 1);
    kick();
  }

  @Override
  public void clearStopRequest() {
    stopRequested = false;
    run.set(JAVA_BYTE, KvmAbi.RUN_IMMEDIATE_EXIT, (byte) 0);
  }

  @Override
  public void setExtIntSource(ExtIntSource source) {
    this.extIntSource = source;
    this.extIntCheck = true;
  }

  @Override
  public void extIntChanged() {
    extIntCheck = true;
    kick();
  }

  /**
   * Interrupts KVM_RUN on the vCPU thread, if one is inside {@link #run}. The vCPU thread itself (a
   * device it called raised or lowered INTR) needs no signal: it checks the flags before it enters
   * the guest again, and a signal would only make that entry fail with EINTR.
   */
  private void kick() {
    synchronized (kickLock) {
      if (runningTid == 0 || runningThread == Thread.currentThread()) {
        return; // not running (the next run re-checks everything), or it is the caller
      }
      if (!kickPending.compareAndSet(false, true)) {
        return; // a kick is on its way
      }
      try {
        LibC.tgkill(PID, runningTid, KICK_SIGNAL);
      } catch (ErrnoException e) {
        throw new IllegalStateException("could not kick vCPU " + index + ": " + e.getMessage(), e);
      }
    }
  }

  // ---------------------------------------------------------------- registers

  @Override
  public X86Registers getRegisters() throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.REGS_SIZE, 8);
      LibC.ioctl(fd, KvmAbi.KVM_GET_REGS, s, "KVM_GET_REGS");
      long[] r = s.toArray(JAVA_LONG);
      return new X86Registers(
          r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
          r[14], r[15], r[16], r[17]);
    }
  }

  @Override
  public void setRegisters(X86Registers x) throws HypervisorException {
    long[] r = {
      x.rax(),
      x.rbx(),
      x.rcx(),
      x.rdx(),
      x.rsi(),
      x.rdi(),
      x.rsp(),
      x.rbp(),
      x.r8(),
      x.r9(),
      x.r10(),
      x.r11(),
      x.r12(),
      x.r13(),
      x.r14(),
      x.r15(),
      x.rip(),
      x.rflags()
    };
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.REGS_SIZE, 8);
      MemorySegment.copy(r, 0, s, JAVA_LONG, 0, r.length);
      LibC.ioctl(fd, KvmAbi.KVM_SET_REGS, s, "KVM_SET_REGS");
    }
  }

  @Override
  public X86SpecialRegisters getSpecialRegisters() throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.SREGS_SIZE, 8);
      LibC.ioctl(fd, KvmAbi.KVM_GET_SREGS, s, "KVM_GET_SREGS");
      return new X86SpecialRegisters(
          segment(s, KvmAbi.SREGS_CS),
          segment(s, KvmAbi.SREGS_DS),
          segment(s, KvmAbi.SREGS_ES),
          segment(s, KvmAbi.SREGS_FS),
          segment(s, KvmAbi.SREGS_GS),
          segment(s, KvmAbi.SREGS_SS),
          segment(s, KvmAbi.SREGS_TR),
          segment(s, KvmAbi.SREGS_LDT),
          dtable(s, KvmAbi.SREGS_GDT),
          dtable(s, KvmAbi.SREGS_IDT),
          s.get(JAVA_LONG, KvmAbi.SREGS_CR0),
          s.get(JAVA_LONG, KvmAbi.SREGS_CR2),
          s.get(JAVA_LONG, KvmAbi.SREGS_CR3),
          s.get(JAVA_LONG, KvmAbi.SREGS_CR4),
          s.get(JAVA_LONG, KvmAbi.SREGS_CR8),
          s.get(JAVA_LONG, KvmAbi.SREGS_EFER),
          s.get(JAVA_LONG, KvmAbi.SREGS_APIC_BASE));
    }
  }

  @Override
  public void setSpecialRegisters(X86SpecialRegisters x) throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.SREGS_SIZE, 8);
      // Read first so interrupt_bitmap (a pending external interrupt) survives the write:
      // api.rst 4.13 KVM_SET_SREGS treats a set bit as an interrupt to inject.
      LibC.ioctl(fd, KvmAbi.KVM_GET_SREGS, s, "KVM_GET_SREGS");
      putSegment(s, KvmAbi.SREGS_CS, x.cs());
      putSegment(s, KvmAbi.SREGS_DS, x.ds());
      putSegment(s, KvmAbi.SREGS_ES, x.es());
      putSegment(s, KvmAbi.SREGS_FS, x.fs());
      putSegment(s, KvmAbi.SREGS_GS, x.gs());
      putSegment(s, KvmAbi.SREGS_SS, x.ss());
      putSegment(s, KvmAbi.SREGS_TR, x.tr());
      putSegment(s, KvmAbi.SREGS_LDT, x.ldt());
      putDtable(s, KvmAbi.SREGS_GDT, x.gdt());
      putDtable(s, KvmAbi.SREGS_IDT, x.idt());
      s.set(JAVA_LONG, KvmAbi.SREGS_CR0, x.cr0());
      s.set(JAVA_LONG, KvmAbi.SREGS_CR2, x.cr2());
      s.set(JAVA_LONG, KvmAbi.SREGS_CR3, x.cr3());
      s.set(JAVA_LONG, KvmAbi.SREGS_CR4, x.cr4());
      s.set(JAVA_LONG, KvmAbi.SREGS_CR8, x.cr8());
      s.set(JAVA_LONG, KvmAbi.SREGS_EFER, x.efer());
      s.set(JAVA_LONG, KvmAbi.SREGS_APIC_BASE, x.apicBase());
      LibC.ioctl(fd, KvmAbi.KVM_SET_SREGS, s, "KVM_SET_SREGS");
    }
  }

  private static X86Segment segment(MemorySegment s, long at) {
    return new X86Segment(
        s.get(JAVA_LONG, at + KvmAbi.SEG_BASE),
        s.get(JAVA_INT, at + KvmAbi.SEG_LIMIT),
        s.get(JAVA_SHORT, at + KvmAbi.SEG_SELECTOR) & 0xFFFF,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_TYPE) & 0xFF,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_PRESENT) != 0,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_DPL) & 0xFF,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_DB) != 0,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_S) != 0,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_L) != 0,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_G) != 0,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_AVL) != 0,
        s.get(JAVA_BYTE, at + KvmAbi.SEG_UNUSABLE) != 0);
  }

  private static void putSegment(MemorySegment s, long at, X86Segment g) {
    s.set(JAVA_LONG, at + KvmAbi.SEG_BASE, g.base());
    s.set(JAVA_INT, at + KvmAbi.SEG_LIMIT, g.limit());
    s.set(JAVA_SHORT, at + KvmAbi.SEG_SELECTOR, (short) g.selector());
    s.set(JAVA_BYTE, at + KvmAbi.SEG_TYPE, (byte) g.type());
    s.set(JAVA_BYTE, at + KvmAbi.SEG_PRESENT, flag(g.present()));
    s.set(JAVA_BYTE, at + KvmAbi.SEG_DPL, (byte) g.dpl());
    s.set(JAVA_BYTE, at + KvmAbi.SEG_DB, flag(g.db()));
    s.set(JAVA_BYTE, at + KvmAbi.SEG_S, flag(g.s()));
    s.set(JAVA_BYTE, at + KvmAbi.SEG_L, flag(g.l()));
    s.set(JAVA_BYTE, at + KvmAbi.SEG_G, flag(g.g()));
    s.set(JAVA_BYTE, at + KvmAbi.SEG_AVL, flag(g.avl()));
    s.set(JAVA_BYTE, at + KvmAbi.SEG_UNUSABLE, flag(g.unusable()));
  }

  private static byte flag(boolean b) {
    return (byte) (b ? 1 : 0);
  }

  private static X86DescriptorTable dtable(MemorySegment s, long at) {
    return new X86DescriptorTable(
        s.get(JAVA_LONG, at + KvmAbi.DTABLE_BASE),
        s.get(JAVA_SHORT, at + KvmAbi.DTABLE_LIMIT) & 0xFFFF);
  }

  private static void putDtable(MemorySegment s, long at, X86DescriptorTable t) {
    s.set(JAVA_LONG, at + KvmAbi.DTABLE_BASE, t.base());
    s.set(JAVA_SHORT, at + KvmAbi.DTABLE_LIMIT, (short) t.limit());
  }

  @Override
  public long getMsr(int msrIndex) throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = msrs(a, msrIndex, 0);
      // api.rst 4.18 KVM_GET_MSRS returns how many MSRs it read; fewer means an unknown MSR.
      int n = LibC.ioctl(fd, KvmAbi.KVM_GET_MSRS, s, "KVM_GET_MSRS");
      if (n != 1) {
        throw new HypervisorException(
            String.format("KVM_GET_MSRS could not read MSR 0x%x (vCPU %d)", msrIndex, index));
      }
      return s.get(JAVA_LONG, KvmAbi.MSRS_HEADER_SIZE + KvmAbi.MSR_ENTRY_DATA);
    }
  }

  @Override
  public void setMsr(int msrIndex, long value) throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      int n = LibC.ioctl(fd, KvmAbi.KVM_SET_MSRS, msrs(a, msrIndex, value), "KVM_SET_MSRS");
      if (n != 1) {
        throw new HypervisorException(
            String.format(
                "KVM_SET_MSRS refused MSR 0x%x = 0x%x (vCPU %d)", msrIndex, value, index));
      }
    }
  }

  private static MemorySegment msrs(Arena a, int msrIndex, long value) {
    MemorySegment s = a.allocate(KvmAbi.MSRS_HEADER_SIZE + KvmAbi.MSR_ENTRY_SIZE, 8);
    s.set(JAVA_INT, 0, 1);
    s.set(JAVA_INT, KvmAbi.MSRS_HEADER_SIZE, msrIndex);
    s.set(JAVA_LONG, KvmAbi.MSRS_HEADER_SIZE + KvmAbi.MSR_ENTRY_DATA, value);
    return s;
  }

  /** KVM_GET_FPU: the raw 416-byte {@code struct kvm_fpu} (x87, MXCSR, XMM registers). */
  public byte[] getFpuState() throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.FPU_SIZE, 8);
      LibC.ioctl(fd, KvmAbi.KVM_GET_FPU, s, "KVM_GET_FPU");
      return s.toArray(JAVA_BYTE);
    }
  }

  /** KVM_SET_FPU from a raw {@code struct kvm_fpu} as {@link #getFpuState()} returns it. */
  public void setFpuState(byte[] fpu) throws HypervisorException {
    if (fpu.length != KvmAbi.FPU_SIZE) {
      throw new IllegalArgumentException("struct kvm_fpu is 416 bytes, not " + fpu.length);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.FPU_SIZE, 8);
      MemorySegment.copy(fpu, 0, s, JAVA_BYTE, 0, fpu.length);
      LibC.ioctl(fd, KvmAbi.KVM_SET_FPU, s, "KVM_SET_FPU");
    }
  }

  @Override
  public String describeState() {
    StringBuilder sb = new StringBuilder();
    try {
      sb.append(getRegisters());
    } catch (HypervisorException | RuntimeException e) {
      sb.append("registers unavailable: ").append(e.getMessage());
    }
    sb.append(System.lineSeparator());
    try {
      sb.append(getSpecialRegisters());
    } catch (HypervisorException | RuntimeException e) {
      sb.append("special registers unavailable: ").append(e.getMessage());
    }
    return sb.append(System.lineSeparator()).append(exitCountSummary()).toString();
  }

  // ---------------------------------------------------------------- teardown (partition only)

  /** Marks the vCPU unusable; the partition then closes its arena and calls unmapAndClose. */
  void release() {
    released = true;
  }

  void unmapAndClose() {
    KvmPartition.unmap(runAddress, partition.mmapSize());
    LibC.close(fd);
  }

  @Override
  public String toString() {
    return "KVM vCPU " + index + (released ? " (released)" : "");
  }
}
