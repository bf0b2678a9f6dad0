package io.parasol.isolation;

import io.parasol.machine.irq.ExtIntSource;

/**
 * One vCPU. {@link #run} is called on a platform thread of its own (never a virtual thread: the
 * hypervisor call blocks and would pin it); the other methods may be called from any thread unless
 * they say otherwise.
 */
public interface VirtualProcessor {
  /** The vCPU's index, 0 for the boot processor. */
  int index();

  /**
   * Runs the guest, handling port I/O, MMIO and EOI exits through {@code io}, until something ends
   * the run. Call on the vCPU's own thread.
   *
   * @throws HypervisorException when the hypervisor call itself fails (not for guest behaviour)
   */
  VpExit run(CpuIo io) throws HypervisorException;

  /**
   * Makes a current or the next {@link #run} return {@link VpExit.Stopped} promptly, from any
   * thread, even if the vCPU is halted in the kernel. Stays in force until {@link
   * #clearStopRequest()}.
   */
  void requestStop();

  /** Lets the vCPU run again after {@link #requestStop()}. */
  void clearStopRequest();

  /**
   * Connects the PIC, whose INTR reaches this vCPU through LINT0 in ExtINT mode (boot processor
   * only). Call before the first run.
   */
  void setExtIntSource(ExtIntSource source);

  /**
   * Tells the vCPU its ExtINT source's INTR may have changed, so it re-checks before (re-)entering
   * the guest, waking it if it sleeps in the kernel. Any thread.
   */
  void extIntChanged();

  X86Registers getRegisters() throws HypervisorException;

  void setRegisters(X86Registers registers) throws HypervisorException;

  X86SpecialRegisters getSpecialRegisters() throws HypervisorException;

  void setSpecialRegisters(X86SpecialRegisters registers) throws HypervisorException;

  /** Reads one model-specific register. */
  long getMsr(int index) throws HypervisorException;

  /** Writes one model-specific register. */
  void setMsr(int index, long value) throws HypervisorException;

  /** A register dump for error reports; never throws. */
  String describeState();
}
