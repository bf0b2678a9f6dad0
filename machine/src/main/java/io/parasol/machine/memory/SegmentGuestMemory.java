package io.parasol.machine.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Guest memory made of {@link MemoryRange ranges} of host memory, such as the memfd mappings an
 * isolation backend registers with the hypervisor, or plain heap memory in tests ({@link #ofHeap}).
 * Ranges may not overlap; an access must lie within one range (ranges that touch are still
 * separate, as RAM is on either side of the MMIO hole).
 */
public final class SegmentGuestMemory implements GuestMemory {
  private final MemoryRange[] ranges;

  public SegmentGuestMemory(List<MemoryRange> ranges) {
    List<MemoryRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(MemoryRange::gpa));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).gpa() < sorted.get(i - 1).end()) {
        throw new IllegalArgumentException(
            "guest memory ranges overlap at 0x" + Long.toHexString(sorted.get(i).gpa()));
      }
    }
    this.ranges = sorted.toArray(MemoryRange[]::new);
  }

  /** Zeroed, shared heap memory of {@code sizeBytes} at guest-physical 0: a fake for tests. */
  public static SegmentGuestMemory ofHeap(long sizeBytes) {
    return new SegmentGuestMemory(
        List.of(new MemoryRange(0, Arena.ofAuto().allocate(sizeBytes, 4096), true)));
  }

  /** The ranges, lowest address first. */
  public List<MemoryRange> ranges() {
    return List.of(ranges);
  }

  /** Total bytes of RAM. */
  public long sizeBytes() {
    long total = 0;
    for (MemoryRange r : ranges) {
      total += r.sizeBytes();
    }
    return total;
  }

  /**
   * The host memory behind {@code [gpa, gpa+length)}, for callers that must hand memory to a kernel
   * interface (the segment is valid as long as the partition is).
   */
  public MemorySegment slice(long gpa, long length) throws GuestMemoryException {
    MemoryRange range = find(gpa, length);
    return range.backing().asSlice(gpa - range.gpa(), length);
  }

  @Override
  public void read(long gpa, MemorySegment dst) throws GuestMemoryException {
    MemoryRange range = find(gpa, dst.byteSize());
    MemorySegment.copy(range.backing(), gpa - range.gpa(), dst, 0, dst.byteSize());
  }

  @Override
  public void write(long gpa, MemorySegment src) throws GuestMemoryException {
    MemoryRange range = find(gpa, src.byteSize());
    MemorySegment.copy(src, 0, range.backing(), gpa - range.gpa(), src.byteSize());
  }

  // Values and byte arrays straight from the backing memory: the interface's defaults go through a
  // temporary array and a heap segment per call, which a virtqueue pays for every ring entry and
  // descriptor it reads (dearest where only the C1 compiler runs, as in parasol run).

  private static final ValueLayout.OfLong LONG_LE =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT_LE =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @Override
  public void read(long gpa, byte[] dst, int offset, int length) throws GuestMemoryException {
    Objects.checkFromIndexSize(offset, length, dst.length);
    MemoryRange range = find(gpa, length);
    MemorySegment.copy(
        range.backing(), ValueLayout.JAVA_BYTE, gpa - range.gpa(), dst, offset, length);
  }

  @Override
  public void write(long gpa, byte[] src, int offset, int length) throws GuestMemoryException {
    Objects.checkFromIndexSize(offset, length, src.length);
    MemoryRange range = find(gpa, length);
    MemorySegment.copy(
        src, offset, range.backing(), ValueLayout.JAVA_BYTE, gpa - range.gpa(), length);
  }

  @Override
  public long readLong(long gpa) throws GuestMemoryException {
    MemoryRange range = find(gpa, 8);
    return range.backing().get(LONG_LE, gpa - range.gpa());
  }

  @Override
  public int readInt(long gpa) throws GuestMemoryException {
    MemoryRange range = find(gpa, 4);
    return range.backing().get(INT_LE, gpa - range.gpa());
  }

  @Override
  public short readShort(long gpa) throws GuestMemoryException {
    MemoryRange range = find(gpa, 2);
    return range.backing().get(SHORT_LE, gpa - range.gpa());
  }

  @Override
  public byte readByte(long gpa) throws GuestMemoryException {
    MemoryRange range = find(gpa, 1);
    return range.backing().get(ValueLayout.JAVA_BYTE, gpa - range.gpa());
  }

  @Override
  public void writeLong(long gpa, long value) throws GuestMemoryException {
    MemoryRange range = find(gpa, 8);
    range.backing().set(LONG_LE, gpa - range.gpa(), value);
  }

  @Override
  public void writeInt(long gpa, int value) throws GuestMemoryException {
    MemoryRange range = find(gpa, 4);
    range.backing().set(INT_LE, gpa - range.gpa(), value);
  }

  @Override
  public void writeShort(long gpa, short value) throws GuestMemoryException {
    MemoryRange range = find(gpa, 2);
    range.backing().set(SHORT_LE, gpa - range.gpa(), value);
  }

  @Override
  public void writeByte(long gpa, byte value) throws GuestMemoryException {
    MemoryRange range = find(gpa, 1);
    range.backing().set(ValueLayout.JAVA_BYTE, gpa - range.gpa(), value);
  }

  @Override
  public void requireShared(long gpa, long length) throws GuestMemoryException {
    if (!find(gpa, length).shared()) {
      throw new GuestMemoryException(GuestMemoryException.Kind.NOT_SHARED, gpa, length);
    }
  }

  @Override
  public void requirePrivate(long gpa, long length) throws GuestMemoryException {
    if (find(gpa, length).shared()) {
      throw new GuestMemoryException(GuestMemoryException.Kind.NOT_PRIVATE, gpa, length);
    }
  }

  @Override
  public boolean isRam(long gpa, long length) {
    return lookup(gpa, length) != null;
  }

  private MemoryRange find(long gpa, long length) throws GuestMemoryException {
    MemoryRange range = lookup(gpa, length);
    if (range == null) {
      throw new GuestMemoryException(GuestMemoryException.Kind.OUT_OF_RANGE, gpa, length);
    }
    return range;
  }

  private MemoryRange lookup(long gpa, long length) {
    if (gpa < 0 || length < 0) {
      return null;
    }
    int lo = 0;
    int hi = ranges.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      MemoryRange r = ranges[mid];
      if (gpa < r.gpa()) {
        hi = mid - 1;
      } else if (gpa >= r.end()) {
        lo = mid + 1;
      } else {
        // Overflow-safe: the access must end within this range.
        return length <= r.end() - gpa ? r : null;
      }
    }
    return null;
  }
}
