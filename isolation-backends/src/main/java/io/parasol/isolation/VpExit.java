package io.parasol.isolation;

/**
 * Why {@link VirtualProcessor#run} returned. Port I/O, MMIO and EOIs never end a run: they are
 * handled through {@link CpuIo} and the vCPU re-entered.
 */
public sealed interface VpExit {
  /** {@link VirtualProcessor#requestStop()} was called (or the run was asked to stop). */
  record Stopped() implements VpExit {}

  /** The vCPU halted with no in-kernel APIC to wake it. */
  record Halted() implements VpExit {}

  /** The guest triple-faulted (KVM_EXIT_SHUTDOWN). */
  record TripleFault(String registers) implements VpExit {}

  /** The hypervisor reported a system event (PSCI-style shutdown/reset/crash). */
  record SystemEvent(Kind kind, long code) implements VpExit {
    public enum Kind {
      SHUTDOWN,
      RESET,
      CRASH,
      OTHER
    }
  }

  /**
   * The hypervisor could not continue the guest: an emulation failure, a failed VM entry, or an
   * exit this backend does not handle. {@code registers} is a dump for the report.
   */
  record InternalError(String description, String registers) implements VpExit {}
}
