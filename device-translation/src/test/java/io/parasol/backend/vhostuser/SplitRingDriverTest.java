package io.parasol.backend.vhostuser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's ring: what a back end writes into the used ring is checked before it counts. */
class SplitRingDriverTest {
  private final MemorySegment region = Arena.ofAuto().allocate(1 << 20, 4096);
  private final SplitRingDriver ring = new SplitRingDriver(region, 0, 8);

  private void backEndUses(int slot, int id, int len, int newUsedIdx) {
    long elem = ring.usedOffset() + 4 + 8L * slot;
    region.set(ValueLayout.JAVA_INT_UNALIGNED, elem, id);
    region.set(ValueLayout.JAVA_INT_UNALIGNED, elem + 4, len);
    region.set(ValueLayout.JAVA_SHORT_UNALIGNED, ring.usedOffset() + 2, (short) newUsedIdx);
  }

  private int addRequest() {
    return ring.add(
        List.of(
            new SplitRingDriver.Piece(0x10000, 16, false),
            new SplitRingDriver.Piece(0x20000, 512, true),
            new SplitRingDriver.Piece(0x30000, 1, true)));
  }

  @Test
  void aWellBehavedBackEndCompletesAndDescriptorsComeBack() {
    int head = addRequest();
    assertEquals(5, ring.freeDescriptors());
    assertEquals(
        1,
        Short.toUnsignedInt(region.get(ValueLayout.JAVA_SHORT_UNALIGNED, ring.availOffset() + 2)));
    assertNull(ring.poll());
    backEndUses(0, head, 513, 1);
    SplitRingDriver.Completion c = ring.poll();
    assertEquals(head, c.head());
    assertEquals(513, c.length());
    assertEquals(8, ring.freeDescriptors());
  }

  @Test
  void aChainThatIsNotOutstandingIsRefused() {
    addRequest();
    backEndUses(0, 7, 1, 1);
    assertThrows(IllegalStateException.class, ring::poll);
  }

  @Test
  void aLengthBeyondTheWritableBytesIsRefused() {
    int head = addRequest();
    backEndUses(0, head, 514, 1);
    assertThrows(IllegalStateException.class, ring::poll);
  }

  @Test
  void aUsedIndexThatJumpsIsRefused() {
    int head = addRequest();
    backEndUses(0, head, 1, 9);
    assertThrows(IllegalStateException.class, ring::poll);
  }

  @Test
  void aFullRingSaysSo() {
    addRequest();
    addRequest();
    assertEquals(-1, addRequest(), "2 descriptors left, 3 needed");
  }
}
