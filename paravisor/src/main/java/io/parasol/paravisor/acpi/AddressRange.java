package io.parasol.paravisor.acpi;

import java.util.ArrayList;
import java.util.List;

/** A guest-physical range {@code [base, base + size)}. */
public record AddressRange(long base, long size) {
  public AddressRange {
    if (base < 0 || size <= 0) {
      throw new IllegalArgumentException("bad range base 0x" + Long.toHexString(base));
    }
  }

  public long end() {
    return base + size;
  }

  /** The parts of this range not covered by {@code hole}: zero, one or two ranges. */
  public List<AddressRange> minus(AddressRange hole) {
    List<AddressRange> out = new ArrayList<>();
    if (hole.end() <= base || hole.base() >= end()) {
      out.add(this);
      return out;
    }
    if (hole.base() > base) {
      out.add(new AddressRange(base, hole.base() - base));
    }
    if (hole.end() < end()) {
      out.add(new AddressRange(hole.end(), end() - hole.end()));
    }
    return out;
  }
}
