package io.parasol.virtio.vsock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.vsock.UnixSocketVsockHost;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.queue.MockDriver;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulated vsock device between a mock guest driver and real Unix sockets on the host. */
class VirtioVsockTest {
  static final long GUEST_CID = 3;
  @TempDir Path dir;
  Path socket;
  UnixSocketVsockHost host;
  VirtioVsock vsock;
  DeviceHarness h;
  final ArrayDeque<Packet> received = new ArrayDeque<>();

  record Packet(VsockHeader header, byte[] payload) {}

  @BeforeEach
  void start() throws Exception {
    socket = dir.resolve("v.sock");
    host = new UnixSocketVsockHost(socket);
    vsock = new VirtioVsock(GUEST_CID, host);
    host.listen(vsock);
    h = new DeviceHarness(vsock, false, false, 0);
    for (int i = 0; i < 16; i++) {
      h.driver(0).add(List.of(), List.of(VsockHeader.BYTES + 4096));
    }
    h.core.notify(0);
  }

  @AfterEach
  void stop() throws Exception {
    h.core.setStatus(0);
    vsock.close();
    host.close();
  }

  void guestSends(VsockHeader header, byte[] payload) throws Exception {
    h.driver(1).add(List.of(header.toBytes(), payload), List.of());
    h.core.notify(1);
  }

  static VsockHeader header(
      long srcPort, long dstPort, int op, int flags, long len, long bufAlloc, long fwd) {
    return new VsockHeader(
        GUEST_CID,
        VirtioVsock.HOST_CID,
        srcPort,
        dstPort,
        len,
        VsockHeader.TYPE_STREAM,
        op,
        flags,
        bufAlloc,
        fwd);
  }

  /** The next packet the device put in the guest's receive queue (reposting the buffer). */
  Packet nextPacket() throws Exception {
    h.awaitUntil(
        "a packet for the guest",
        () -> {
          try {
            MockDriver rx = h.driver(0);
            for (MockDriver.Used u; (u = rx.pollUsed()) != null; ) {
              byte[] b = rx.lastUsedWritten(u.length());
              VsockHeader hd = VsockHeader.parse(MemorySegment.ofArray(b));
              received.add(new Packet(hd, Arrays.copyOfRange(b, VsockHeader.BYTES, b.length)));
              rx.resetHeap((1 << 20) + (256 << 10) * (received.size() % 2));
              rx.add(List.of(), List.of(VsockHeader.BYTES + 4096));
              h.core.notify(0);
            }
          } catch (GuestMemoryException e) {
            throw new AssertionError(e);
          }
          return !received.isEmpty();
        });
    return received.poll();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static String readExactly(SocketChannel c, int n) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        break;
      }
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
  }

  @Test
  void theGuestConnectsToAHostServiceAndBytesFlowBothWays() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket + "_1234"));
      guestSends(header(40000, 1234, VsockHeader.OP_REQUEST, 0, 0, 65536, 0), new byte[0]);
      Packet response = nextPacket();
      assertEquals(VsockHeader.OP_RESPONSE, response.header().op());
      assertEquals(1234, response.header().srcPort());
      assertEquals(40000, response.header().dstPort());
      assertEquals(GUEST_CID, response.header().dstCid());
      assertEquals(VirtioVsock.BUF_ALLOC, response.header().bufAlloc());
      try (SocketChannel service = server.accept()) {
        guestSends(header(40000, 1234, VsockHeader.OP_RW, 0, 10, 65536, 0), ascii("hello host"));
        assertEquals("hello host", readExactly(service, 10));
        service.write(ByteBuffer.wrap(ascii("hello guest")));
        Packet data = nextPacket();
        assertEquals(VsockHeader.OP_RW, data.header().op());
        assertArrayEquals(ascii("hello guest"), data.payload());
      }
      Packet shutdown = nextPacket();
      assertEquals(VsockHeader.OP_SHUTDOWN, shutdown.header().op());
      assertEquals(3, shutdown.header().flags());
      guestSends(header(40000, 1234, VsockHeader.OP_RST, 0, 0, 65536, 11), new byte[0]);
      h.awaitUntil("the connection is gone", () -> vsock.connectionCount() == 0);
    }
  }

  @Test
  void aHostProgramConnectsToAGuestPort() throws Exception {
    try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      client.write(ByteBuffer.wrap(ascii("CONNECT 5000\n")));
      Packet request = nextPacket();
      assertEquals(VsockHeader.OP_REQUEST, request.header().op());
      assertEquals(5000, request.header().dstPort());
      long hostPort = request.header().srcPort();
      guestSends(header(5000, hostPort, VsockHeader.OP_RESPONSE, 0, 0, 65536, 0), new byte[0]);
      String ok = "OK " + hostPort + "\n";
      assertEquals(ok, readExactly(client, ok.length()));
      client.write(ByteBuffer.wrap(ascii("ping")));
      Packet ping = nextPacket();
      assertArrayEquals(ascii("ping"), ping.payload());
      guestSends(header(5000, hostPort, VsockHeader.OP_RW, 0, 4, 65536, 4), ascii("pong"));
      assertEquals("pong", readExactly(client, 4));
    }
  }

  @Test
  void theDeviceNeverSendsMoreThanTheGuestsCredit() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket + "_7"));
      guestSends(header(41000, 7, VsockHeader.OP_REQUEST, 0, 0, 10, 0), new byte[0]);
      assertEquals(VsockHeader.OP_RESPONSE, nextPacket().header().op());
      try (SocketChannel service = server.accept()) {
        service.write(ByteBuffer.wrap(new byte[25]));
        Packet first = nextPacket();
        assertEquals(10, first.payload().length, "the guest advertised 10 bytes");
        assertTrue(received.isEmpty());
        guestSends(header(41000, 7, VsockHeader.OP_CREDIT_UPDATE, 0, 0, 10, 10), new byte[0]);
        assertEquals(10, nextPacket().payload().length);
        guestSends(header(41000, 7, VsockHeader.OP_CREDIT_UPDATE, 0, 0, 10, 20), new byte[0]);
        assertEquals(5, nextPacket().payload().length);
      }
    }
  }

  @Test
  void dataIsSplitToFitReceiveBuffersSmallerThanAPacket() throws Exception {
    // Linux 6.1.x posts 3776-byte receive buffers (4 KiB less its skb overhead): every byte the
    // host sends must still arrive, in order, in as many packets as fit them.
    Path other = dir.resolve("small.sock");
    UnixSocketVsockHost smallHost = new UnixSocketVsockHost(other);
    VirtioVsock small = new VirtioVsock(GUEST_CID, smallHost);
    DeviceHarness g = new DeviceHarness(small, false, false, 0);
    MockDriver rx = g.driver(0);
    byte[] sent = new byte[3 * VirtioVsock.MAX_HOST_PAYLOAD + 123];
    new java.util.Random(7).nextBytes(sent);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(other + "_8"));
      g.driver(1)
          .add(
              List.of(header(43000, 8, VsockHeader.OP_REQUEST, 0, 0, 1 << 20, 0).toBytes()),
              List.of());
      g.core.notify(1);
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      int packets = 0;
      boolean responded = false;
      SocketChannel service = null;
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      try {
        while (got.size() < sent.length && System.nanoTime() < deadline) {
          rx.resetHeap((1 << 20) + (256 << 10) * (packets % 2));
          rx.add(List.of(), List.of(3776));
          g.core.notify(0);
          MockDriver.Used u = null;
          while (u == null && System.nanoTime() < deadline) {
            u = rx.pollUsed();
            Thread.onSpinWait();
          }
          if (u == null) {
            break;
          }
          assertTrue(u.length() <= 3776, "fits the buffer: " + u.length());
          assertTrue(u.length() >= VsockHeader.BYTES, "a packet, not a buffer handed back empty");
          byte[] b = rx.lastUsedWritten(u.length());
          VsockHeader hd = VsockHeader.parse(MemorySegment.ofArray(b));
          packets++;
          if (!responded) {
            assertEquals(VsockHeader.OP_RESPONSE, hd.op());
            responded = true;
            service = server.accept();
            ByteBuffer out = ByteBuffer.wrap(sent);
            while (out.hasRemaining()) {
              service.write(out);
            }
            continue;
          }
          assertEquals(VsockHeader.OP_RW, hd.op());
          assertEquals(b.length - VsockHeader.BYTES, hd.len(), "the header says its length");
          got.write(b, VsockHeader.BYTES, b.length - VsockHeader.BYTES);
        }
      } finally {
        if (service != null) {
          service.close();
        }
        g.core.setStatus(0);
        small.close();
        smallHost.close();
      }
      assertArrayEquals(sent, got.toByteArray(), "every byte, in order, over " + packets);
      assertTrue(packets >= 5, packets + " packets");
    }
  }

  @Test
  void packetsForNothingGetResetsAndStrangersAreIgnored() throws Exception {
    guestSends(header(42000, 9999, VsockHeader.OP_REQUEST, 0, 0, 65536, 0), new byte[0]);
    Packet refused = nextPacket();
    assertEquals(VsockHeader.OP_RST, refused.header().op(), "no host service on port 9999");
    guestSends(header(42001, 1, VsockHeader.OP_RW, 0, 3, 65536, 0), ascii("abc"));
    assertEquals(VsockHeader.OP_RST, nextPacket().header().op(), "RW on no connection");
    guestSends(header(42002, 1, VsockHeader.OP_RW, 0, 5000, 65536, 0), ascii("abc"));
    assertEquals(VsockHeader.OP_RST, nextPacket().header().op(), "length beyond the packet");
    VsockHeader spoofed = new VsockHeader(77, 2, 1, 1, 0, 1, VsockHeader.OP_REQUEST, 0, 0, 0);
    guestSends(spoofed, new byte[0]);
    guestSends(header(42003, 9999, VsockHeader.OP_RST, 0, 0, 0, 0), new byte[0]);
    h.driver(1).add(List.of(new byte[10]), List.of()); // shorter than a header
    h.core.notify(1);
    h.awaitUntil(
        "all transmitted and answered",
        () -> {
          try {
            while (h.driver(1).pollUsed() != null) {
              // drained
            }
            return h.driver(1).outstanding() == 0 && vsock.outgoingCount() == 0;
          } catch (GuestMemoryException e) {
            throw new AssertionError(e);
          }
        });
    for (MockDriver.Used u; (u = h.driver(0).pollUsed()) != null; ) {
      received.add(new Packet(null, new byte[u.length()]));
    }
    assertTrue(received.isEmpty(), "no answer to a spoofed CID, a RST or a runt");
    assertTrue(!h.needsReset());
  }
}
