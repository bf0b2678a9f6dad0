package io.parasol.machine.io;

/**
 * A plain, reusable {@link IoData} held on the heap: for tests, fuzzing, and callers that make an
 * access of their own (for example a PCI bridge forwarding a config access).
 */
public final class IoValue implements IoData {
  private AccessSize size;
  private long value;

  public IoValue(AccessSize size, long value) {
    set(size, value);
  }

  /** A read of the given width, with the value preset to zero. */
  public static IoValue forRead(AccessSize size) {
    return new IoValue(size, 0);
  }

  /** Re-points this holder at a new access, so a loop needs no new object per access. */
  public IoValue set(AccessSize size, long value) {
    this.size = size;
    this.value = value & size.mask();
    return this;
  }

  @Override
  public AccessSize size() {
    return size;
  }

  @Override
  public long value() {
    return value;
  }

  @Override
  public void setValue(long value) {
    this.value = value & size.mask();
  }

  @Override
  public String toString() {
    return size + ":0x" + Long.toHexString(value);
  }
}
