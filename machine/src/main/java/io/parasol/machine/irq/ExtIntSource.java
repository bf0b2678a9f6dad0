package io.parasol.machine.irq;

/**
 * An interrupt controller that delivers through the local APIC's ExtINT mode: the 8259A PIC. The
 * vCPU loop asks whether INTR is up and, when the guest can take an interrupt, runs the acknowledge
 * cycle to get the vector.
 */
public interface ExtIntSource {
  /** Whether INTR is asserted. */
  boolean interruptPending();

  /**
   * The interrupt-acknowledge cycle: returns the vector the controller puts on the bus (a spurious
   * vector if the request went away) and updates its in-service state.
   */
  int acknowledgeInterrupt();
}
