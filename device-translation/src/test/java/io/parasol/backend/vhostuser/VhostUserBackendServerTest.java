package io.parasol.backend.vhostuser;

import static io.parasol.backend.vhostuser.VhostUserProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.file.RawImageFile;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.bounce.HostBufferPool;
import io.parasol.machine.memory.MemoryRange;
import io.parasol.machine.memory.SegmentGuestMemory;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.queue.MockDriver;
import io.parasol.virtio.queue.VirtioFeature;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vhost-user server driven by an in-process front end that does what QEMU's vhost-user-blk
 * does: negotiate, share a memfd as guest RAM, hand over a ring with kick and call eventfds.
 */
class VhostUserBackendServerTest {
  static final long RAM_BYTES = 4 << 20;
  static final long USER_BASE = 0x7f12_3400_0000L; // the front end's address of RAM
  @TempDir Path dir;
  Path image;
  VirtioBlk blk;
  HostBufferPool pool;
  VhostUserBackendServer server;
  Thread serving;
  int ramFd;
  Arena ramArena;
  SegmentGuestMemory ram;

  @BeforeEach
  void start() throws Exception {
    image = dir.resolve("disk.raw");
    Files.write(image, new byte[1 << 20]);
    VirtioBlk.Options options = new VirtioBlk.Options("vhost-disk", 1, 64, false);
    pool = HostBufferPool.ofPrivateMemory(VirtioBlk.poolBytesFor(options));
    blk = new VirtioBlk(RawImageFile.open(image, false, 2), pool, options);
    server = new VhostUserBackendServer(blk, dir.resolve("vhost.sock"));
    serving = server.start();
    ramFd = LinuxCalls.memfdCreate("test-guest-ram");
    LinuxCalls.ftruncate(ramFd, RAM_BYTES);
    ramArena = Arena.ofShared();
    ram =
        new SegmentGuestMemory(
            List.of(new MemoryRange(0, LinuxCalls.mmapShared(ramFd, RAM_BYTES, ramArena), true)));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    serving.join(10_000);
    blk.close();
    pool.close();
    ramArena.close();
    LinuxCalls.close(ramFd);
  }

  /** QEMU's start-up sequence for one queue; returns the driver side of that queue. */
  MockDriver connect(TestFrontEnd fe, long wantedFeatures, int kickFd, int callFd)
      throws Exception {
    fe.send(GET_FEATURES, 0, fe.empty());
    long offered = fe.replyLong(GET_FEATURES);
    assertTrue((offered & (1L << F_PROTOCOL_FEATURES)) != 0);
    fe.send(GET_PROTOCOL_FEATURES, 0, fe.empty());
    long protocol = fe.replyLong(GET_PROTOCOL_FEATURES);
    assertTrue((protocol & (1L << PROTOCOL_F_CONFIG)) != 0, "CONFIG, which QEMU's blk needs");
    fe.send(SET_PROTOCOL_FEATURES, 0, fe.u64(protocol));
    fe.send(SET_OWNER, 0, fe.empty());
    fe.send(SET_FEATURES, FLAG_NEED_REPLY, fe.u64(wantedFeatures & offered));
    assertEquals(0, fe.replyLong(SET_FEATURES), "REPLY_ACK success");
    MemorySegment table = fe.arena.allocate(8 + 32, 8);
    table.set(ValueLayout.JAVA_INT, 0, 1);
    table.set(ValueLayout.JAVA_LONG, 8, 0); // guest_phys_addr
    table.set(ValueLayout.JAVA_LONG, 16, RAM_BYTES);
    table.set(ValueLayout.JAVA_LONG, 24, USER_BASE);
    table.set(ValueLayout.JAVA_LONG, 32, 0); // mmap_offset
    fe.send(SET_MEM_TABLE, FLAG_NEED_REPLY, table, ramFd);
    assertEquals(0, fe.replyLong(SET_MEM_TABLE));
    boolean eventIdx = (wantedFeatures & VirtioFeature.bit(VirtioFeature.EVENT_IDX)) != 0;
    boolean indirect = (wantedFeatures & VirtioFeature.bit(VirtioFeature.RING_INDIRECT_DESC)) != 0;
    MockDriver d = new MockDriver(ram, false, 64, indirect, eventIdx, 0x1000, 0x100000, RAM_BYTES);
    fe.send(SET_VRING_NUM, 0, fe.state(0, 64));
    MemorySegment addr = fe.arena.allocate(40, 8);
    addr.set(ValueLayout.JAVA_INT, 0, 0);
    addr.set(ValueLayout.JAVA_LONG, 8, USER_BASE + d.layout().descGpa());
    addr.set(ValueLayout.JAVA_LONG, 16, USER_BASE + d.layout().deviceGpa());
    addr.set(ValueLayout.JAVA_LONG, 24, USER_BASE + d.layout().driverGpa());
    fe.send(SET_VRING_ADDR, 0, addr);
    fe.send(SET_VRING_BASE, 0, fe.state(0, 0));
    fe.send(SET_VRING_KICK, 0, fe.u64(0), kickFd);
    fe.send(SET_VRING_CALL, 0, fe.u64(0), callFd);
    fe.send(SET_VRING_ENABLE, FLAG_NEED_REPLY, fe.state(0, 1));
    assertEquals(0, fe.replyLong(SET_VRING_ENABLE));
    return d;
  }

  static byte[] header(int type, long sector) {
    return ByteBuffer.allocate(16)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(type)
        .putInt(0)
        .putLong(sector)
        .array();
  }

  MockDriver.Used awaitUsed(MockDriver d, int callFd) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      MockDriver.Used u = d.pollUsed();
      if (u != null) {
        return u;
      }
      LinuxCalls.eventfdWait(callFd, 100);
    }
    throw new AssertionError("no completion within 20 s");
  }

  @Test
  void aFrontEndWritesAndReadsTheDiskThroughSharedMemory() throws Exception {
    int kick = LinuxCalls.eventfd();
    int call = LinuxCalls.eventfd();
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      long want =
          VirtioFeature.bit(VirtioFeature.VERSION_1)
              | VirtioFeature.bit(VirtioFeature.EVENT_IDX)
              | VirtioFeature.bit(VirtioFeature.RING_INDIRECT_DESC)
              | (1L << F_PROTOCOL_FEATURES)
              | (1L << 9); // VIRTIO_BLK_F_FLUSH
      MockDriver d = connect(fe, want, kick, call);

      MemorySegment cfg = fe.arena.allocate(12 + 8, 8);
      cfg.set(ValueLayout.JAVA_INT, 0, 0);
      cfg.set(ValueLayout.JAVA_INT, 4, 8);
      fe.send(GET_CONFIG, 0, cfg);
      assertEquals(
          (1 << 20) / 512,
          fe.reply(GET_CONFIG).get(ValueLayout.JAVA_LONG_UNALIGNED, 12),
          "capacity");

      byte[] data = new byte[4096];
      new Random(3).nextBytes(data);
      d.add(List.of(header(1, 4), data), List.of(1));
      LinuxCalls.eventfdSignal(kick);
      awaitUsed(d, call);
      assertEquals(0, d.lastUsedWritable()[0], "write OK");
      byte[] disk = Files.readAllBytes(image);
      assertArrayEquals(data, Arrays.copyOfRange(disk, 2048, 2048 + 4096));

      d.add(List.of(header(0, 4)), List.of(4096, 1));
      LinuxCalls.eventfdSignal(kick);
      awaitUsed(d, call);
      byte[] back = d.lastUsedWritable();
      assertEquals(0, back[4096], "read OK");
      assertArrayEquals(data, Arrays.copyOf(back, 4096));

      fe.send(GET_VRING_BASE, 0, fe.state(0, 0));
      MemorySegment base = fe.reply(GET_VRING_BASE);
      assertEquals(2, base.get(ValueLayout.JAVA_INT, 4), "two buffers consumed");
    } finally {
      LinuxCalls.close(kick);
      LinuxCalls.close(call);
    }
  }

  /** The used entry that arrives within {@code millis}, or null. */
  MockDriver.Used usedWithin(MockDriver d, int callFd, long millis) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    do {
      MockDriver.Used u = d.pollUsed();
      if (u != null) {
        return u;
      }
      LinuxCalls.eventfdWait(callFd, 10);
    } while (System.nanoTime() < deadline);
    return null;
  }

  /**
   * Writes {@code data} at {@code sector} (kicked), then makes a read of it without a kick; the
   * read's used entry if it arrives within {@code millis}, else null.
   */
  MockDriver.Used unkickedRead(
      MockDriver d, int kick, int call, long sector, byte[] data, long millis) throws Exception {
    d.add(List.of(header(1, sector), data), List.of(1));
    LinuxCalls.eventfdSignal(kick);
    awaitUsed(d, call);
    d.add(List.of(header(0, sector)), List.of(data.length, 1));
    return usedWithin(d, call, millis);
  }

  /** A request made without a kick: only a server that polls its ring takes it. */
  @Test
  void aPollingServerTakesRequestsMadeWithoutAKick() throws Exception {
    Assumptions.assumeTrue(
        Runtime.getRuntime().availableProcessors() > 1,
        "a server on a one-CPU host never polls (it would only hold up the front end)");
    long want = VirtioFeature.bit(VirtioFeature.VERSION_1) | (1L << F_PROTOCOL_FEATURES);
    byte[] data = new byte[4096];
    new Random(5).nextBytes(data);
    for (boolean polling : new boolean[] {false, true}) {
      if (polling) { // the server of every other test here does not poll; this one, for 5 s
        server.close();
        serving.join(10_000);
        server = new VhostUserBackendServer(blk, dir.resolve("vhost.sock"), 5_000_000_000L);
        serving = server.start();
      }
      int kick = LinuxCalls.eventfd();
      int call = LinuxCalls.eventfd();
      try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
        MockDriver d = connect(fe, want, kick, call);
        MockDriver.Used u = unkickedRead(d, kick, call, 8, data, polling ? 3_000 : 300);
        if (!polling) {
          assertNull(u, "taken without a kick by a server that does not poll");
          LinuxCalls.eventfdSignal(kick);
          awaitUsed(d, call);
        } else {
          assertNotNull(u, "a polling server takes a request made without a kick");
        }
        byte[] back = d.lastUsedWritable();
        assertEquals(0, back[4096], "read OK");
        assertArrayEquals(data, Arrays.copyOf(back, 4096));
      } finally {
        LinuxCalls.close(kick);
        LinuxCalls.close(call);
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new VhostUserBackendServer(blk, dir.resolve("other.sock"), -1));
  }

  @Test
  void aRingOutsideTheSharedMemoryEndsTheConnection() throws Exception {
    int kick = LinuxCalls.eventfd();
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      fe.send(SET_FEATURES, 0, fe.u64(VirtioFeature.bit(VirtioFeature.VERSION_1)));
      MemorySegment table = fe.arena.allocate(40, 8);
      table.set(ValueLayout.JAVA_INT, 0, 1);
      table.set(ValueLayout.JAVA_LONG, 16, RAM_BYTES);
      table.set(ValueLayout.JAVA_LONG, 24, USER_BASE);
      fe.send(SET_MEM_TABLE, 0, table, ramFd);
      fe.send(SET_VRING_NUM, 0, fe.state(0, 64));
      MemorySegment addr = fe.arena.allocate(40, 8);
      addr.set(ValueLayout.JAVA_LONG, 8, USER_BASE + RAM_BYTES - 16); // descriptors run past RAM
      addr.set(ValueLayout.JAVA_LONG, 16, USER_BASE + 0x2000);
      addr.set(ValueLayout.JAVA_LONG, 24, USER_BASE + 0x3000);
      fe.send(SET_VRING_ADDR, 0, addr);
      fe.send(SET_VRING_KICK, 0, fe.u64(0), kick);
      assertTrue(fe.closedByPeer(), "the server hung up");
    } finally {
      LinuxCalls.close(kick);
    }
    // And it serves the next front end.
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      fe.send(GET_QUEUE_NUM, 0, fe.empty());
      assertEquals(1, fe.replyLong(GET_QUEUE_NUM));
    }
  }

  @Test
  void malformedMessagesEndTheConnectionNotTheServer() throws Exception {
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      fe.send(SET_MEM_TABLE, 0, fe.u64(9)); // 9 regions claimed in 8 bytes, no descriptors
      assertTrue(fe.closedByPeer());
    }
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      fe.send(SET_VRING_NUM, 0, fe.state(5, 64)); // queue 5 of 1
      assertTrue(fe.closedByPeer());
    }
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      fe.send(SET_FEATURES, 0, fe.u64(1L << 63)); // not offered
      assertTrue(fe.closedByPeer());
    }
    try (TestFrontEnd fe = new TestFrontEnd(dir.resolve("vhost.sock").toString())) {
      fe.send(GET_FEATURES, 0, fe.empty());
      assertTrue(fe.replyLong(GET_FEATURES) != 0, "still serving");
    }
  }
}
