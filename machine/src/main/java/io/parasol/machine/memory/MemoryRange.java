package io.parasol.machine.memory;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One contiguous piece of guest RAM: where it sits in guest-physical space, the host memory behind
 * it, and whether the host may see it.
 *
 * @param gpa the first guest-physical address
 * @param backing the host memory, exactly as long as the range
 * @param shared whether the range is shared with the host (always true outside confidential VMs)
 */
public record MemoryRange(long gpa, MemorySegment backing, boolean shared) {
  public MemoryRange {
    Objects.requireNonNull(backing, "backing");
    if (gpa < 0 || gpa + backing.byteSize() < gpa) {
      throw new IllegalArgumentException("range at 0x" + Long.toHexString(gpa) + " wraps");
    }
  }

  public long sizeBytes() {
    return backing.byteSize();
  }

  /** The first address past the range. */
  public long end() {
    return gpa + backing.byteSize();
  }
}
