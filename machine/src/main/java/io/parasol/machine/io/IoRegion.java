package io.parasol.machine.io;

import java.util.Objects;

/**
 * A range of port numbers or guest-physical addresses that one device decodes.
 *
 * @param name a short name for logs, e.g. {@code "com1"} or {@code "ioapic"}
 * @param base the first port or address
 * @param length the number of ports or bytes, at least one
 */
public record IoRegion(String name, long base, long length) {
  public IoRegion {
    Objects.requireNonNull(name, "name");
    if (length <= 0) {
      throw new IllegalArgumentException("region " + name + " has length " + length);
    }
    if (base < 0 || base + length < base) {
      throw new IllegalArgumentException(
          "region " + name + " wraps: base 0x" + Long.toHexString(base));
    }
  }

  /** The first port or address past the region. */
  public long end() {
    return base + length;
  }

  /** Whether {@code address} lies in the region. */
  public boolean contains(long address) {
    return address >= base && address - base < length;
  }

  /** Whether the two regions share a port or address. */
  public boolean overlaps(IoRegion other) {
    return base < other.end() && other.base < end();
  }

  @Override
  public String toString() {
    return name + "[0x" + Long.toHexString(base) + "..0x" + Long.toHexString(end() - 1) + "]";
  }
}
