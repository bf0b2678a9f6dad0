package io.parasol.isolation;

import io.parasol.machine.irq.ExtIntSource;
import java.util.Map;
import java.util.TreeMap;

/**
 * A vCPU of a {@link HeapPartition}: it cannot run a guest ({@link #run} throws), but keeps what
 * the VM tells it so a test can check the wiring: the {@link ExtIntSource} connected to it, how
 * many times {@link #extIntChanged()} was called, stop requests, registers and MSRs.
 */
public final class HeapVirtualProcessor implements VirtualProcessor {
  private final int index;
  private ExtIntSource extIntSource;
  private long extIntChanges;
  private boolean stopRequested;
  private X86Registers registers = X86Registers.atEntry(0xFFF0);
  private X86SpecialRegisters specialRegisters;
  private final Map<Integer, Long> msrs = new TreeMap<>();

  HeapVirtualProcessor(int index) {
    this.index = index;
  }

  @Override
  public int index() {
    return index;
  }

  /**
   * Always throws: there is no hypervisor to run a guest on.
   *
   * @throws IllegalStateException always; calling it is a bug in the test
   */
  @Override
  public VpExit run(CpuIo io) {
    throw new IllegalStateException("a heap partition cannot run guests");
  }

  @Override
  public synchronized void requestStop() {
    stopRequested = true;
  }

  @Override
  public synchronized void clearStopRequest() {
    stopRequested = false;
  }

  /** Whether a stop was requested and not cleared since. */
  public synchronized boolean stopRequested() {
    return stopRequested;
  }

  @Override
  public synchronized void setExtIntSource(ExtIntSource source) {
    this.extIntSource = source;
  }

  /** The PIC connected by {@link #setExtIntSource}, or null if none was. */
  public synchronized ExtIntSource extIntSource() {
    return extIntSource;
  }

  @Override
  public synchronized void extIntChanged() {
    extIntChanges++;
  }

  /** How many times {@link #extIntChanged()} was called. */
  public synchronized long extIntChanges() {
    return extIntChanges;
  }

  /** The last registers set; at first the reset state's RIP 0xFFF0 and RFLAGS 0x2. */
  @Override
  public synchronized X86Registers getRegisters() {
    return registers;
  }

  @Override
  public synchronized void setRegisters(X86Registers registers) {
    this.registers = registers;
  }

  /**
   * The last special registers set.
   *
   * @throws HypervisorException if none were ever set (a heap vCPU has no reset state of its own)
   */
  @Override
  public synchronized X86SpecialRegisters getSpecialRegisters() throws HypervisorException {
    if (specialRegisters == null) {
      throw new HypervisorException("heap vCPU " + index + " has no special registers set");
    }
    return specialRegisters;
  }

  @Override
  public synchronized void setSpecialRegisters(X86SpecialRegisters registers) {
    this.specialRegisters = registers;
  }

  /**
   * The value last written to MSR {@code msrIndex}.
   *
   * @throws HypervisorException if the MSR was never written
   */
  @Override
  public synchronized long getMsr(int msrIndex) throws HypervisorException {
    Long value = msrs.get(msrIndex);
    if (value == null) {
      throw new HypervisorException(
          "MSR 0x" + Integer.toHexString(msrIndex) + " never set on heap vCPU " + index);
    }
    return value;
  }

  @Override
  public synchronized void setMsr(int msrIndex, long value) {
    msrs.put(msrIndex, value);
  }

  @Override
  public synchronized String describeState() {
    return "heap vCPU " + index + "\n" + registers;
  }
}
