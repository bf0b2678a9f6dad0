package io.parasol.machine.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentGuestMemoryTest {
  private final Arena arena = Arena.ofAuto();

  private SegmentGuestMemory holeyMemory() {
    // 64 KiB at 0 (shared), 64 KiB at 1 MiB (private): the gap between is not RAM.
    return new SegmentGuestMemory(
        List.of(
            new MemoryRange(0, arena.allocate(0x10000), true),
            new MemoryRange(0x10_0000, arena.allocate(0x10000), false)));
  }

  @Test
  void valuesRoundTripLittleEndian() throws Exception {
    SegmentGuestMemory mem = holeyMemory();
    mem.writeLong(0x100, 0x1122_3344_5566_7788L);
    assertEquals(0x88, mem.readByte(0x100) & 0xFF, "little-endian: low byte first");
    assertEquals(0x5566_7788, mem.readInt(0x100));
    assertEquals(0x1122_3344_5566_7788L, mem.readLong(0x100));
    mem.writeShort(0x10_0002, (short) 0xBEEF);
    assertEquals((short) 0xBEEF, mem.readShort(0x10_0002));
  }

  /**
   * The direct value and array accessors agree with the interface's defaults (which go through
   * {@link GuestMemory#read(long, MemorySegment)}) at every offset near a range's end, including
   * the ones that must fail.
   */
  @Test
  void directAccessorsMatchTheInterfaceDefaults() throws Exception {
    SegmentGuestMemory mem = holeyMemory();
    GuestMemory viaSegments =
        new GuestMemory() {
          @Override
          public void read(long gpa, MemorySegment dst) throws GuestMemoryException {
            mem.read(gpa, dst);
          }

          @Override
          public void write(long gpa, MemorySegment src) throws GuestMemoryException {
            mem.write(gpa, src);
          }

          @Override
          public void requireShared(long gpa, long length) {}

          @Override
          public void requirePrivate(long gpa, long length) {}

          @Override
          public boolean isRam(long gpa, long length) {
            return mem.isRam(gpa, length);
          }
        };
    byte[] pattern = new byte[32];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (byte) (0x91 + 7 * i);
    }
    mem.write(0xFFE0, pattern);
    for (long gpa = 0xFFE0; gpa < 0x1_0000 + 2; gpa++) {
      final long at = gpa;
      for (int width : new int[] {1, 2, 4, 8}) {
        boolean fits = at + width <= 0x1_0000;
        Object fast = value(() -> read(mem, at, width));
        Object slow = value(() -> read(viaSegments, at, width));
        assertEquals(slow, fast, "width " + width + " at 0x" + Long.toHexString(at));
        assertEquals(!fits, fast.toString().startsWith("failed: "), "fits at " + at);
      }
      byte[] dst = new byte[5];
      byte[] dstSlow = new byte[5];
      Object fast =
          value(
              () -> {
                mem.read(at, dst, 1, 3);
                return Arrays.toString(dst);
              });
      Object slow =
          value(
              () -> {
                viaSegments.read(at, dstSlow, 1, 3);
                return Arrays.toString(dstSlow);
              });
      assertEquals(slow, fast);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> mem.read(0, new byte[4], 2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> mem.write(0, new byte[4], -1, 2));
    mem.writeInt(0x10_0010, 0xCAFE_F00D);
    assertEquals(0xCAFE_F00D, viaSegments.readInt(0x10_0010));
    viaSegments.writeLong(0x10_0020, -2L);
    assertEquals(-2L, mem.readLong(0x10_0020));
  }

  private interface Access {
    Object get() throws GuestMemoryException;
  }

  /** The value read, or the failure's kind, gpa and length as one comparable string. */
  private static Object value(Access access) {
    try {
      return access.get();
    } catch (GuestMemoryException e) {
      return "failed: " + e.kind() + "@" + e.gpa() + "+" + e.length();
    }
  }

  private static Object read(GuestMemory m, long gpa, int width) throws GuestMemoryException {
    return switch (width) {
      case 1 -> m.readByte(gpa);
      case 2 -> m.readShort(gpa);
      case 4 -> m.readInt(gpa);
      default -> m.readLong(gpa);
    };
  }

  @Test
  void accessOutsideRamFailsWithRangeAndWritesNothing() throws Exception {
    SegmentGuestMemory mem = holeyMemory();
    GuestMemoryException e =
        assertThrows(GuestMemoryException.class, () -> mem.write(0xFFFC, new byte[8]));
    assertEquals(GuestMemoryException.Kind.OUT_OF_RANGE, e.kind());
    assertEquals(0xFFFC, e.gpa());
    assertEquals(8, e.length());
    assertEquals(0, mem.readInt(0xFFFC), "no partial write before the failure");
    assertThrows(GuestMemoryException.class, () -> mem.readByte(0x20_0000));
    assertThrows(GuestMemoryException.class, () -> mem.readByte(-1));
    assertThrows(GuestMemoryException.class, () -> mem.readBytes(0x10_0000 + 0xFFFF, 2));
  }

  @Test
  void hugeLengthsDoNotOverflowTheBoundsCheck() {
    SegmentGuestMemory mem = holeyMemory();
    assertFalse(mem.isRam(0x10, Long.MAX_VALUE));
    assertFalse(mem.isRam(Long.MAX_VALUE - 2, 8));
    assertTrue(mem.isRam(0x10_0000, 0x10000));
  }

  @Test
  void sharedAndPrivateChecksSayWhich() {
    SegmentGuestMemory mem = holeyMemory();
    assertEquals(
        GuestMemoryException.Kind.NOT_SHARED,
        assertThrows(GuestMemoryException.class, () -> mem.requireShared(0x10_0000, 16)).kind());
    assertEquals(
        GuestMemoryException.Kind.NOT_PRIVATE,
        assertThrows(GuestMemoryException.class, () -> mem.requirePrivate(0, 16)).kind());
  }

  @Test
  void overlappingRangesAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SegmentGuestMemory(
                List.of(
                    new MemoryRange(0, arena.allocate(0x2000), true),
                    new MemoryRange(0x1000, arena.allocate(0x1000), true))));
  }

  @Test
  void bytesRoundTripThroughSlices() throws Exception {
    SegmentGuestMemory mem = SegmentGuestMemory.ofHeap(0x4000);
    byte[] data = {1, 2, 3, 4, 5};
    mem.write(0x3FFB, data);
    assertArrayEquals(data, mem.readBytes(0x3FFB, 5));
    assertEquals(5, mem.slice(0x3FFB, 5).byteSize());
    assertEquals(0x4000, mem.sizeBytes());
  }
}
