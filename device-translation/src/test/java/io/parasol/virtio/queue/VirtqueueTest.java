package io.parasol.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.memory.SegmentGuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Well-behaved drivers: every ring format and feature combination moves data both ways. */
class VirtqueueTest {
  static final long MEMORY_BYTES = 1 << 20;

  static Stream<Arguments> modes() {
    List<Arguments> all = new ArrayList<>();
    for (boolean packed : new boolean[] {false, true}) {
      for (boolean indirect : new boolean[] {false, true}) {
        for (boolean eventIdx : new boolean[] {false, true}) {
          all.add(Arguments.of(packed, indirect, eventIdx));
        }
      }
    }
    return all.stream();
  }

  static MockDriver driver(boolean packed, boolean indirect, boolean eventIdx, int size) {
    SegmentGuestMemory memory = SegmentGuestMemory.ofHeap(MEMORY_BYTES);
    return new MockDriver(memory, packed, size, indirect, eventIdx, 0x1000, 0x10000, MEMORY_BYTES);
  }

  static Virtqueue device(MockDriver d) throws VirtqueueException {
    return Virtqueue.create(d.memory(), d.layout(), d.features());
  }

  @ParameterizedTest(name = "packed={0} indirect={1} eventIdx={2}")
  @MethodSource("modes")
  void requestAndResponseMoveThroughTheRing(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    MockDriver d = driver(packed, indirect, eventIdx, 8);
    Virtqueue q = device(d);
    assertFalse(q.hasAvailable());
    assertNull(q.pop(), "nothing available yet");
    byte[] hello = "hello, ".getBytes(StandardCharsets.US_ASCII);
    byte[] world = "device".getBytes(StandardCharsets.US_ASCII);
    int id = d.add(List.of(hello, world), List.of(5, 7));

    assertTrue(q.hasAvailable(), "the driver's chain shows before it is popped");
    assertTrue(q.hasAvailable(), "and looking takes nothing");
    DescriptorChain chain = q.pop();
    assertNotNull(chain);
    assertFalse(q.hasAvailable(), "popped");
    assertEquals(id, chain.id());
    assertEquals(13, chain.readableBytes());
    assertEquals(12, chain.writableBytes());
    assertEquals(2, chain.readable().size());
    ChainReader reader = new ChainReader(d.memory(), chain);
    assertEquals("hello, device", new String(reader.readBytes(13), StandardCharsets.US_ASCII));
    assertEquals(0, reader.remaining());
    ChainWriter writer = new ChainWriter(d.memory(), chain);
    byte[] reply = "reply-spans2".getBytes(StandardCharsets.US_ASCII);
    writer.write(reply);
    q.pushUsed(chain, writer.written());
    assertNull(q.pop(), "one chain only");
    assertTrue(q.needsInterrupt(), "a driver that asked for nothing special gets an interrupt");
    assertFalse(q.needsInterrupt(), "nothing new since");

    MockDriver.Used used = d.pollUsed();
    assertNotNull(used);
    assertEquals(id, used.id());
    assertEquals(12, used.length());
    assertArrayEquals(reply, d.lastUsedWritten(12));
    assertNull(d.pollUsed());
  }

  @ParameterizedTest(name = "packed={0} indirect={1} eventIdx={2}")
  @MethodSource("modes")
  void indicesWrapAroundManyTimes(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    // 70,000 buffers on a queue of 4: the split indices pass 65535, the packed wrap counters flip.
    MockDriver d = driver(packed, indirect, eventIdx, 4);
    Virtqueue q = device(d);
    for (int i = 0; i < 70_000; i++) {
      d.resetHeap(0x10000);
      byte[] payload = {(byte) i, (byte) (i >> 8), (byte) (i >> 16)};
      int id = d.add(List.of(payload), List.of(3, 1));
      DescriptorChain chain = q.pop();
      assertNotNull(chain, "buffer " + i);
      assertEquals(id, chain.id());
      byte[] got = new ChainReader(d.memory(), chain).readBytes(3);
      assertArrayEquals(payload, got, "buffer " + i);
      ChainWriter w = new ChainWriter(d.memory(), chain);
      w.write(new byte[] {got[2], got[1], got[0], 1});
      q.pushUsed(chain, w.written());
      MockDriver.Used used = d.pollUsed();
      assertEquals(id, used.id());
      assertEquals(4, used.length());
      assertArrayEquals(new byte[] {got[2], got[1], got[0], 1}, d.lastUsedWritten(4));
    }
  }

  @ParameterizedTest(name = "packed={0} indirect={1} eventIdx={2}")
  @MethodSource("modes")
  void completionsMayComeOutOfOrder(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    MockDriver d = driver(packed, indirect, eventIdx, 16);
    Virtqueue q = device(d);
    for (int round = 0; round < 10; round++) {
      d.resetHeap(0x10000);
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        // Chains of 1..4 descriptors, so packed rings skip by different amounts.
        List<byte[]> readable = new ArrayList<>();
        for (int j = 0; j <= i; j++) {
          readable.add(new byte[] {(byte) (10 * i + j)});
        }
        ids.add(d.add(readable, List.of()));
      }
      List<DescriptorChain> chains = new ArrayList<>();
      for (DescriptorChain c; (c = q.pop()) != null; ) {
        chains.add(c);
      }
      assertEquals(4, chains.size());
      for (int i = 3; i >= 0; i--) {
        assertEquals(ids.get(i), chains.get(i).id());
        assertEquals(i + 1, chains.get(i).readableBytes());
        q.pushUsed(chains.get(i), 0);
      }
      for (int i = 3; i >= 0; i--) {
        assertEquals(ids.get(i), d.pollUsed().id());
      }
      assertEquals(0, d.outstanding());
    }
  }

  @ParameterizedTest(name = "packed={0} indirect={1}")
  @MethodSource("modes")
  void theDriverCanSuppressInterrupts(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    if (eventIdx && !packed) {
      return; // §2.7.10: with VIRTIO_F_EVENT_IDX a split ring's flag is unused (used_event rules)
    }
    MockDriver d = driver(packed, indirect, eventIdx, 8);
    Virtqueue q = device(d);
    d.setInterruptsWanted(false);
    completeOne(d, q);
    assertFalse(q.needsInterrupt(), "interrupts disabled by the driver");
    d.setInterruptsWanted(true);
    completeOne(d, q);
    assertTrue(q.needsInterrupt(), "interrupts enabled again");
  }

  @ParameterizedTest(name = "packed={0} indirect={1} eventIdx={2}")
  @MethodSource("modes")
  void eventIndexSaysWhenToInterrupt(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    if (!eventIdx) {
      return;
    }
    MockDriver d = driver(packed, indirect, true, 8);
    Virtqueue q = device(d);
    // "Interrupt me once the device has used the buffer at index 2" (the third).
    d.setUsedEvent(packed ? 2 | (1 << 15) : 2);
    List<DescriptorChain> chains = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      d.add(List.of(new byte[] {1}), List.of());
      chains.add(q.pop());
    }
    q.pushUsed(chains.get(0), 0);
    assertFalse(q.needsInterrupt(), "used index 1 has not passed event 2");
    q.pushUsed(chains.get(1), 0);
    assertFalse(q.needsInterrupt(), "used index 2 has not passed event 2");
    q.pushUsed(chains.get(2), 0);
    assertTrue(q.needsInterrupt(), "used index 3 passed event 2");
    q.pushUsed(chains.get(3), 0);
    assertFalse(q.needsInterrupt(), "event 2 was already signalled");
  }

  @ParameterizedTest(name = "packed={0} indirect={1} eventIdx={2}")
  @MethodSource("modes")
  void theDeviceCanSuppressNotifications(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    MockDriver d = driver(packed, indirect, eventIdx, 8);
    Virtqueue q = device(d);
    q.disableNotifications();
    d.add(List.of(new byte[] {1}), List.of());
    if (!eventIdx || packed) {
      assertFalse(d.needsNotify(), "the device asked not to be notified");
    }
    assertTrue(q.enableNotifications(), "a buffer arrived while notifications were off");
    assertNotNull(q.pop());
    assertFalse(q.enableNotifications(), "nothing more");
    d.add(List.of(new byte[] {2}), List.of());
    assertTrue(d.needsNotify(), "notifications are on again");
  }

  @ParameterizedTest(name = "packed={0} indirect={1} eventIdx={2}")
  @MethodSource("modes")
  void zeroLengthDescriptorsCarryNothing(boolean packed, boolean indirect, boolean eventIdx)
      throws Exception {
    MockDriver d = driver(packed, indirect, eventIdx, 8);
    Virtqueue q = device(d);
    d.add(List.of(new byte[0], new byte[] {7}), List.of(0, 2));
    DescriptorChain c = q.pop();
    assertEquals(1, c.readable().size());
    assertEquals(1, c.readableBytes());
    assertEquals(1, c.writable().size());
    assertEquals(2, c.writableBytes());
  }

  private static void completeOne(MockDriver d, Virtqueue q) throws Exception {
    d.add(List.of(new byte[] {1}), List.of());
    q.pushUsed(q.pop(), 0);
    assertNotNull(d.pollUsed());
  }

  static void assertBroken(Virtqueue q) {
    assertTrue(q.isBroken());
    org.junit.jupiter.api.Assertions.assertThrows(VirtqueueException.class, q::pop);
  }
}
