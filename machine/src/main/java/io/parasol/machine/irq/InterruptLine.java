package io.parasol.machine.irq;

/**
 * One interrupt wire out of a device. The device drives the level; whoever wired the line decides
 * which controller pin it reaches. Devices never see IRQ numbers.
 */
@FunctionalInterface
public interface InterruptLine {
  /** A line connected to nothing. */
  InterruptLine NONE = asserted -> {};

  /** Drives the line high ({@code true}) or low. Idempotent. */
  void setLevel(boolean asserted);

  /** An edge: high, then low, as a device with an edge-triggered output signals once. */
  default void pulse() {
    setLevel(true);
    setLevel(false);
  }
}
