package io.parasol.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.memory.SegmentGuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drivers that break the rules: every violation ends in a {@link VirtqueueException} that names
 * what was wrong, the queue stays broken, and nothing else escapes.
 */
class MaliciousDriverTest {
  private static final long RAM = VirtqueueTest.MEMORY_BYTES;
  private static final int NEXT = SplitVirtqueue.DESC_F_NEXT;
  private static final int WRITE = SplitVirtqueue.DESC_F_WRITE;
  private static final int INDIRECT = SplitVirtqueue.DESC_F_INDIRECT;

  private static MockDriver split(boolean indirect) {
    return VirtqueueTest.driver(false, indirect, false, 8);
  }

  private static MockDriver packed(boolean indirect) {
    return VirtqueueTest.driver(true, indirect, false, 8);
  }

  private static VirtqueueException rejected(MockDriver d, String expectedMessagePart)
      throws Exception {
    Virtqueue q = VirtqueueTest.device(d);
    VirtqueueException e = assertThrows(VirtqueueException.class, q::pop);
    assertTrue(
        e.getMessage().contains(expectedMessagePart),
        "message '" + e.getMessage() + "' names '" + expectedMessagePart + "'");
    VirtqueueTest.assertBroken(q);
    assertThrows(VirtqueueException.class, q::needsInterrupt);
    assertFalse(q.hasAvailable(), "a broken queue offers nothing to a polling device");
    return e;
  }

  @Test
  void splitChainThatLoopsIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(0, 0x20000, 16, NEXT, 1);
    d.writeSplitDesc(1, 0x20000, 16, NEXT, 0);
    d.publishSplit(0);
    rejected(d, "loops");
  }

  @Test
  void splitSelfLoopIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(3, 0x20000, 16, NEXT, 3);
    d.publishSplit(3);
    rejected(d, "loops");
  }

  @Test
  void indirectChainThatLoopsIsRejected() throws Exception {
    MockDriver d = split(true);
    long table = 0x30000;
    d.writeSplitDesc(table, 0x20000, 16, NEXT, 1);
    d.writeSplitDesc(table + 16, 0x20000, 16, NEXT, 0);
    d.writeSplitDesc(0, table, 32, INDIRECT, 0);
    d.publishSplit(0);
    rejected(d, "indirect chain loops");
  }

  @Test
  void bufferOutsideRamIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(0, RAM - 8, 16, 0, 0);
    d.publishSplit(0);
    rejected(d, "is not guest RAM");
  }

  @Test
  void bufferWhoseEndWrapsIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(0, -16L, 0x20, 0, 0);
    d.publishSplit(0);
    rejected(d, "is not guest RAM");
  }

  @Test
  void nextIndexOutOfTheTableIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(0, 0x20000, 16, NEXT, 8);
    d.publishSplit(0);
    rejected(d, "chains to 8 of 8");
  }

  @Test
  void headOutOfTheTableIsRejected() throws Exception {
    MockDriver d = split(false);
    d.publishSplit(0xFFFF);
    rejected(d, "names descriptor 65535");
  }

  @Test
  void availIndexThatJumpsTooFarIsRejected() throws Exception {
    MockDriver d = split(false);
    d.setAvailIdx(9);
    rejected(d, "moved by 9");
  }

  @Test
  void availIndexThatRunsBackwardsIsRejected() throws Exception {
    MockDriver d = split(false);
    d.setAvailIdx(0xFFFF); // -1 from 0: 65535 pending
    rejected(d, "moved by 65535");
  }

  @Test
  void indirectWithoutTheFeatureIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(0, 0x30000, 16, INDIRECT, 0);
    d.publishSplit(0);
    rejected(d, "without VIRTIO_F_INDIRECT_DESC");
  }

  @Test
  void indirectAndNextTogetherAreRejected() throws Exception {
    MockDriver d = split(true);
    d.writeSplitDesc(0, 0x30000, 16, INDIRECT | NEXT, 1);
    d.publishSplit(0);
    rejected(d, "both INDIRECT and NEXT");
  }

  @Test
  void nestedIndirectIsRejected() throws Exception {
    MockDriver d = split(true);
    d.writeSplitDesc(0x30000L, 0x30000, 16, INDIRECT, 0);
    d.writeSplitDesc(0, 0x30000, 16, INDIRECT, 0);
    d.publishSplit(0);
    rejected(d, "inside an indirect table");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 15, 17})
  void indirectTableOfBadLengthIsRejected(int length) throws Exception {
    MockDriver d = split(true);
    d.writeSplitDesc(0, 0x30000, length, INDIRECT, 0);
    d.publishSplit(0);
    rejected(d, "not a multiple of 16");
  }

  @Test
  void hugeIndirectTableIsRejected() throws Exception {
    MockDriver d = split(true);
    d.writeSplitDesc(0, 0x30000, 16 * 1025, INDIRECT, 0);
    d.publishSplit(0);
    rejected(d, "1025 descriptors is too long");
  }

  @Test
  void indirectTableOutsideRamIsRejected() throws Exception {
    MockDriver d = split(true);
    d.writeSplitDesc(0, RAM - 16, 32, INDIRECT, 0);
    d.publishSplit(0);
    rejected(d, "is not RAM");
  }

  @Test
  void readableAfterWritableIsRejected() throws Exception {
    MockDriver d = split(false);
    d.writeSplitDesc(0, 0x20000, 16, WRITE | NEXT, 1);
    d.writeSplitDesc(1, 0x20100, 16, 0, 0);
    d.publishSplit(0);
    rejected(d, "device-readable descriptor follows");
  }

  @Test
  void maximalLegalChainIsAccepted() throws Exception {
    // The longest chain the spec allows (the queue size), each link with a zero-length buffer.
    MockDriver d = split(false);
    for (int i = 0; i < 8; i++) {
      d.writeSplitDesc(i, 0, 0, i < 7 ? NEXT : 0, i + 1);
    }
    d.publishSplit(0);
    DescriptorChain c = VirtqueueTest.device(d).pop();
    assertNotNull(c);
    assertEquals(0, c.readableBytes() + c.writableBytes());
  }

  @Test
  void packedChainLongerThanTheRingIsRejected() throws Exception {
    MockDriver d = packed(false);
    for (int i = 0; i < 8; i++) {
      d.writePackedAvailable(i, 0x20000, 16, 0, PackedVirtqueue.DESC_F_NEXT);
    }
    rejected(d, "longer than the ring");
  }

  @Test
  void packedBufferOutsideRamIsRejected() throws Exception {
    MockDriver d = packed(false);
    d.writePackedAvailable(0, RAM, 1, 0, 0);
    rejected(d, "is not guest RAM");
  }

  @Test
  void packedNestedIndirectIsRejected() throws Exception {
    MockDriver d = packed(true);
    d.writePackedDesc(0x30000, 0x30000, 16, 0, PackedVirtqueue.DESC_F_INDIRECT);
    d.writePackedAvailable(0, 0x30000, 16, 0, PackedVirtqueue.DESC_F_INDIRECT);
    rejected(d, "inside an indirect table");
  }

  @Test
  void packedIndirectWithoutTheFeatureIsRejected() throws Exception {
    MockDriver d = packed(false);
    d.writePackedAvailable(0, 0x30000, 16, 0, PackedVirtqueue.DESC_F_INDIRECT);
    rejected(d, "without VIRTIO_F_INDIRECT_DESC");
  }

  @Test
  void packedDescriptorFromTheWrongLapIsNotAvailable() throws Exception {
    MockDriver d = packed(false);
    // AVAIL=0, USED=1 is "available" only in the second lap: the device ignores it.
    d.writePackedDesc(d.layout().descGpa(), 0x20000, 16, 0, PackedVirtqueue.DESC_F_USED);
    Virtqueue q = VirtqueueTest.device(d);
    assertEquals(null, q.pop());
    assertTrue(!q.isBroken());
  }

  @Test
  void misplacedRingsAreRefusedAtCreation() {
    SegmentGuestMemory memory = SegmentGuestMemory.ofHeap(RAM);
    long f = 0;
    assertThrows(
        VirtqueueException.class,
        () -> Virtqueue.create(memory, new QueueLayout(8, 0x1008, 0x2000, 0x3000), f),
        "descriptor table not 16-aligned");
    assertThrows(
        VirtqueueException.class,
        () -> Virtqueue.create(memory, new QueueLayout(8, 0x1000, 0x2001, 0x3000), f),
        "available ring not 2-aligned");
    assertThrows(
        VirtqueueException.class,
        () -> Virtqueue.create(memory, new QueueLayout(8, 0x1000, 0x2000, RAM - 16), f),
        "used ring past RAM");
    assertThrows(
        VirtqueueException.class,
        () -> Virtqueue.create(memory, new QueueLayout(6, 0x1000, 0x2000, 0x3000), f),
        "split size not a power of 2");
    assertThrows(
        VirtqueueException.class,
        () -> Virtqueue.create(memory, new QueueLayout(0, 0x1000, 0x2000, 0x3000), f),
        "size 0");
  }

  @Test
  void aBrokenQueueRefusesPushesToo() throws Exception {
    MockDriver d = split(false);
    d.add(List.of(new byte[] {1}), List.of());
    Virtqueue q = VirtqueueTest.device(d);
    DescriptorChain good = q.pop();
    d.setAvailIdx(100);
    assertThrows(VirtqueueException.class, q::pop);
    assertThrows(VirtqueueException.class, () -> q.pushUsed(good, 0));
    assertThrows(VirtqueueException.class, q::enableNotifications);
  }
}
