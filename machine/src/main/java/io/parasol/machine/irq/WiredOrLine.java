package io.parasol.machine.irq;

import java.util.Objects;

/**
 * Several device outputs on one wire, as ISA boards share an IRQ (COM1 and COM3 on IRQ4): the
 * output is high while any input is high. Each input is an {@link InterruptLine} of its own.
 */
public final class WiredOrLine {
  private final InterruptLine output;
  private long highInputs;
  private int inputCount;

  public WiredOrLine(InterruptLine output) {
    this.output = Objects.requireNonNull(output, "output");
  }

  /** A new input; at most 64. */
  public synchronized InterruptLine newInput() {
    if (inputCount == Long.SIZE) {
      throw new IllegalStateException("a wired-OR line takes at most 64 inputs");
    }
    long bit = 1L << inputCount++;
    return asserted -> drive(bit, asserted);
  }

  private void drive(long bit, boolean asserted) {
    boolean before;
    boolean after;
    synchronized (this) {
      before = highInputs != 0;
      highInputs = asserted ? highInputs | bit : highInputs & ~bit;
      after = highInputs != 0;
    }
    if (before != after) {
      output.setLevel(after);
    }
  }
}
