package io.parasol.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.bounce.BounceBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.queue.MockDriver;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtioNetTest {
  static final byte[] MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
  static final long ALL_OFFLOADS =
      NetBackend.OFFLOAD_CSUM | NetBackend.OFFLOAD_TSO4 | NetBackend.OFFLOAD_TSO6;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  static long bit(int n) {
    return 1L << n;
  }

  private VirtioNet device(FakeNetBackend backend) throws Exception {
    HostBufferPool pool = HostBufferPool.ofPrivateMemory(VirtioNet.poolBytes());
    toClose.add(pool);
    VirtioNet net = new VirtioNet(backend, MAC, pool);
    toClose.add(net);
    return net;
  }

  static byte[] header(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
    byte[] h = new byte[NetHeader.BYTES];
    new NetHeader(flags, gsoType, 0, gsoSize, csumStart, csumOffset, 0)
        .writeTo(MemorySegment.ofArray(h));
    return h;
  }

  static byte[] frame(int length, long seed) {
    byte[] f = new byte[length];
    new Random(seed).nextBytes(f);
    return f;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void offloadsAreOfferedOnlyWhenTheBackendHasThem() throws Exception {
    long none = device(new FakeNetBackend(0)).deviceFeatures();
    assertEquals(
        0,
        none & (bit(VirtioNet.F_CSUM) | bit(VirtioNet.F_GUEST_CSUM) | bit(VirtioNet.F_HOST_TSO4)));
    assertTrue((none & bit(VirtioNet.F_MRG_RXBUF)) != 0);
    VirtioNet all = device(new FakeNetBackend((int) ALL_OFFLOADS));
    long f = all.deviceFeatures();
    for (int b :
        new int[] {
          VirtioNet.F_CSUM,
          VirtioNet.F_GUEST_CSUM,
          VirtioNet.F_HOST_TSO4,
          VirtioNet.F_HOST_TSO6,
          VirtioNet.F_GUEST_TSO4,
          VirtioNet.F_GUEST_TSO6
        }) {
      assertTrue((f & bit(b)) != 0, "feature " + b);
    }
    assertFalse(all.acceptFeatures(bit(VirtioNet.F_HOST_TSO4)), "TSO without CSUM");
    assertFalse(all.acceptFeatures(bit(VirtioNet.F_GUEST_TSO6)), "guest TSO without guest CSUM");
    assertTrue(all.acceptFeatures(bit(VirtioNet.F_HOST_TSO4) | bit(VirtioNet.F_CSUM)));
  }

  @Test
  void transmittedFramesAreCheckedAgainstTheNegotiatedOffloads() throws Exception {
    FakeNetBackend backend = new FakeNetBackend((int) ALL_OFFLOADS);
    VirtioNet net = device(backend);
    // The driver takes CSUM but not HOST_TSO4.
    DeviceHarness h =
        new DeviceHarness(net, false, true, bit(VirtioNet.F_CSUM) | bit(VirtioNet.F_MAC));
    MockDriver tx = h.driver(VirtioNet.TX_QUEUE);
    byte[] plain = frame(60, 1);
    byte[] partial = frame(100, 2);
    tx.add(List.of(header(0, 0, 0, 0, 0), plain), List.of());
    tx.add(List.of(header(NetHeader.F_NEEDS_CSUM, 0, 0, 34, 6), partial), List.of());
    tx.add(
        List.of(header(NetHeader.F_NEEDS_CSUM, NetHeader.GSO_TCPV4, 1448, 34, 16), frame(3000, 3)),
        List.of());
    tx.add(List.of(header(NetHeader.F_NEEDS_CSUM, 0, 0, 90, 16), frame(100, 4)), List.of());
    tx.add(List.of(header(0x80, 0, 0, 0, 0), frame(60, 5)), List.of());
    tx.add(List.of(header(0, 0, 0, 0, 0), frame(10, 6)), List.of());
    h.core.notify(VirtioNet.TX_QUEUE);
    h.awaitUntil("six transmissions", () -> net.txPackets() + net.txDropped() == 6);
    List<byte[]> sent = backend.sent();
    assertEquals(2, sent.size());
    assertArrayEquals(concat(header(0, 0, 0, 0, 0), plain), sent.get(0));
    assertArrayEquals(concat(header(NetHeader.F_NEEDS_CSUM, 0, 0, 34, 6), partial), sent.get(1));
    assertEquals(
        4, net.txDropped(), "TSO not negotiated, checksum outside frame, unknown flag, runt");
    for (int i = 0; i < 6; i++) {
      assertEquals(0, tx.pollUsed().length());
    }
    assertEquals(0, backend.receiveOffloads, "guest took no rx offloads");
  }

  @Test
  void aLargeFrameIsMergedAcrossSmallReceiveBuffers() throws Exception {
    FakeNetBackend backend = new FakeNetBackend((int) ALL_OFFLOADS);
    VirtioNet net = device(backend);
    DeviceHarness h = new DeviceHarness(net, true, false, ~0L);
    assertEquals(ALL_OFFLOADS, backend.receiveOffloads);
    MockDriver rx = h.driver(VirtioNet.RX_QUEUE);
    for (int i = 0; i < 8; i++) {
      rx.add(List.of(), List.of(1526));
    }
    h.core.notify(VirtioNet.RX_QUEUE);
    byte[] gso = header(NetHeader.F_NEEDS_CSUM, NetHeader.GSO_TCPV4, 1448, 34, 16);
    byte[] data = frame(4000, 7);
    backend.toGuest.add(concat(gso, data));
    h.awaitUntil("delivery", () -> net.rxPackets() == 1);
    byte[] received = new byte[0];
    int buffers = 0;
    for (MockDriver.Used u; (u = rx.pollUsed()) != null; ) {
      received = concat(received, rx.lastUsedWritten(u.length()));
      buffers++;
    }
    assertEquals(3, buffers, "4012 bytes in 1526-byte buffers");
    NetHeader got = NetHeader.parse(MemorySegment.ofArray(received));
    assertEquals(3, got.numBuffers());
    assertEquals(NetHeader.GSO_TCPV4, got.gsoType());
    assertArrayEquals(data, Arrays.copyOfRange(received, NetHeader.BYTES, received.length));
  }

  @Test
  void withoutMergeableBuffersOneBufferHoldsTheFrameOrItIsDropped() throws Exception {
    FakeNetBackend backend = new FakeNetBackend(0);
    VirtioNet net = device(backend);
    DeviceHarness h = new DeviceHarness(net, false, false, bit(VirtioNet.F_MAC));
    MockDriver rx = h.driver(VirtioNet.RX_QUEUE);
    rx.add(List.of(), List.of(100));
    rx.add(List.of(), List.of(2048));
    h.core.notify(VirtioNet.RX_QUEUE);
    byte[] data = frame(500, 8);
    backend.toGuest.add(concat(header(0, 0, 0, 0, 0), data));
    backend.toGuest.add(concat(header(0, 0, 0, 0, 0), data));
    h.awaitUntil("two frames handled", () -> net.rxPackets() + net.rxDropped() == 2);
    assertEquals(1, net.rxDropped(), "the 100-byte buffer cannot hold 512 bytes");
    assertEquals(0, rx.pollUsed().length());
    MockDriver.Used u = rx.pollUsed();
    assertEquals(512, u.length());
    byte[] got = rx.lastUsedWritten(512);
    assertEquals(1, NetHeader.parse(MemorySegment.ofArray(got)).numBuffers());
    assertArrayEquals(data, Arrays.copyOfRange(got, 12, 512));
  }

  @Test
  void hostFramesWithOffloadsTheGuestRefusedAreDropped() throws Exception {
    FakeNetBackend backend = new FakeNetBackend((int) ALL_OFFLOADS);
    VirtioNet net = device(backend);
    DeviceHarness h = new DeviceHarness(net, false, false, bit(VirtioNet.F_MRG_RXBUF));
    assertEquals(0, backend.receiveOffloads);
    MockDriver rx = h.driver(VirtioNet.RX_QUEUE);
    rx.add(List.of(), List.of(4096));
    h.core.notify(VirtioNet.RX_QUEUE);
    backend.toGuest.add(
        concat(header(NetHeader.F_NEEDS_CSUM, NetHeader.GSO_TCPV4, 1448, 34, 16), frame(3000, 9)));
    backend.toGuest.add(concat(header(NetHeader.F_DATA_VALID, 0, 0, 0, 0), frame(64, 10)));
    backend.toGuest.add(new byte[5]);
    h.awaitUntil("three drops", () -> net.rxDropped() == 3);
    assertEquals(0, net.rxPackets());
    assertEquals(null, rx.pollUsed(), "nothing reached the guest");
  }

  @Test
  void receptionWaitsForTheGuestToPostBuffers() throws Exception {
    FakeNetBackend backend = new FakeNetBackend(0);
    VirtioNet net = device(backend);
    DeviceHarness h = new DeviceHarness(net, true, true, ~0L);
    MockDriver rx = h.driver(VirtioNet.RX_QUEUE);
    byte[] data = frame(200, 11);
    backend.toGuest.add(concat(header(0, 0, 0, 0, 0), data));
    h.awaitUntil("the frame is read", backend.toGuest::isEmpty);
    assertEquals(0, net.rxPackets());
    rx.add(List.of(), List.of(1526));
    h.core.notify(VirtioNet.RX_QUEUE);
    h.awaitUntil("delivery", () -> net.rxPackets() == 1);
    assertEquals(212, rx.pollUsed().length());
  }

  @Test
  void inBounceModeTheBackendSeesOnlyTheBounceRegion() throws Exception {
    FakeNetBackend backend = new FakeNetBackend(0);
    BounceBuffer bounce = BounceBuffer.create("net", VirtioNet.poolBytes());
    toClose.add(bounce);
    VirtioNet net = new VirtioNet(backend, MAC, bounce.pool());
    toClose.add(net);
    DeviceHarness h = new DeviceHarness(net, false, false, ~0L);
    h.driver(VirtioNet.TX_QUEUE).add(List.of(header(0, 0, 0, 0, 0), frame(60, 12)), List.of());
    h.core.notify(VirtioNet.TX_QUEUE);
    h.driver(VirtioNet.RX_QUEUE).add(List.of(), List.of(1526));
    h.core.notify(VirtioNet.RX_QUEUE);
    backend.toGuest.add(concat(header(0, 0, 0, 0, 0), frame(60, 13)));
    h.awaitUntil("both directions", () -> net.txPackets() == 1 && net.rxPackets() == 1);
    synchronized (backend) {
      assertEquals(2, backend.buffersSeen.size());
      for (MemorySegment s : backend.buffersSeen) {
        assertTrue(bounce.pool().contains(s), "inside the bounce region");
        long ram = h.memory.ranges().get(0).backing().address();
        long ramEnd = ram + h.memory.sizeBytes();
        assertFalse(s.address() < ramEnd && ram < s.address() + s.byteSize(), "not guest RAM");
      }
    }
  }
}
