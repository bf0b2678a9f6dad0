package io.parasol.machine.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
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
