package io.parasol.backend.vhostuser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parasol.bounce.HostBuffer;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.queue.MockDriver;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parasol as a vhost-user-blk front end to a real qemu-storage-daemon (Debian qemu-system-common;
 * skipped with the reason where it is missing): the daemon is given only the bounce region's memfd,
 * and requests through it reach the image.
 */
class VhostUserBlockBackendTest {
  static final int DISK_BYTES = 4 << 20;
  @TempDir Path dir;
  Path image;
  Path socket;
  Process daemon;
  byte[] initial;

  @BeforeEach
  void startDaemon() throws Exception {
    Path qsd = Path.of("/usr/bin/qemu-storage-daemon");
    assumeTrue(Files.isExecutable(qsd), "skipped: qemu-storage-daemon is not installed");
    image = dir.resolve("disk.raw");
    initial = new byte[DISK_BYTES];
    new Random(1).nextBytes(initial);
    Files.write(image, initial);
    socket = dir.resolve("qsd.sock");
    daemon =
        new ProcessBuilder(
                qsd.toString(),
                "--blockdev",
                "driver=file,node-name=disk,filename=" + image,
                "--export",
                "type=vhost-user-blk,id=exp,node-name=disk,addr.type=unix,addr.path="
                    + socket
                    + ",writable=on")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("qsd.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(socket)) {
      assertTrue(daemon.isAlive(), "qemu-storage-daemon exited: " + log());
      assertTrue(System.nanoTime() < deadline, "no socket from qemu-storage-daemon");
      Thread.sleep(50);
    }
  }

  @AfterEach
  void stopDaemon() throws Exception {
    if (daemon != null) {
      daemon.destroy();
      daemon.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("qsd.log"));
  }

  @Test
  void requestsReachTheImageThroughTheSharedRegionOnly() throws Exception {
    try (VhostUserBlockBackend backend = VhostUserBlockBackend.connect(socket, 128, 8 << 20)) {
      assertEquals(DISK_BYTES, backend.sizeBytes());
      byte[] data = new byte[3 * 65536 + 4096];
      new Random(2).nextBytes(data);
      try (HostBuffer buf = backend.pool().acquire(data.length)) {
        long at = 0;
        for (MemorySegment s : buf.segments()) {
          MemorySegment.copy(MemorySegment.ofArray(data), at, s, 0, s.byteSize());
          at += s.byteSize();
        }
        assertEquals(data.length, backend.write(8192, buf.segments()).get(20, TimeUnit.SECONDS));
      }
      backend.flush().get(20, TimeUnit.SECONDS);
      byte[] disk = Files.readAllBytes(image);
      assertArrayEquals(data, Arrays.copyOfRange(disk, 8192, 8192 + data.length));
      try (HostBuffer buf = backend.pool().acquire(4096)) {
        backend.read(0, buf.segments()).get(20, TimeUnit.SECONDS);
        assertArrayEquals(
            Arrays.copyOf(initial, 4096),
            buf.segments().get(0).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
      }
      if (backend.supportsWriteZeroes()) {
        backend.writeZeroes(0, 4096, false).get(20, TimeUnit.SECONDS);
        backend.flush().get(20, TimeUnit.SECONDS);
        assertArrayEquals(new byte[4096], Arrays.copyOf(Files.readAllBytes(image), 4096));
      }
      // What the daemon mapped: memfds of ours only (it closes the descriptor after mmap).
      List<String> memfds = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/maps"))) {
        int at = line.indexOf("/memfd:");
        if (at >= 0 && !memfds.contains(line.substring(at))) {
          memfds.add(line.substring(at));
        }
      }
      assertEquals(1, memfds.size(), "memfds the daemon holds: " + memfds);
      assertTrue(memfds.get(0).startsWith("/memfd:parasol-bounce-vhost-user-blk"), memfds.get(0));
    }
  }

  static byte[] header(int type, long sector) {
    return ByteBuffer.allocate(16)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(type)
        .putInt(0)
        .putLong(sector)
        .array();
  }

  @Test
  void parasolsVirtioBlkRunsOnTheDaemon() throws Exception {
    VirtioBlk.Options options = new VirtioBlk.Options("via-qsd", 1, 64, false);
    VhostUserBlockBackend backend =
        VhostUserBlockBackend.connect(socket, 128, VirtioBlk.poolBytesFor(options));
    VirtioBlk blk = new VirtioBlk(backend, backend.pool(), options);
    try {
      DeviceHarness h = new DeviceHarness(blk, false, true, 0);
      MockDriver d = h.driver(0);
      byte[] data = new byte[16384];
      new Random(4).nextBytes(data);
      d.add(List.of(header(1, 100), data), List.of(1));
      h.core.notify(0);
      awaitUsed(h, d);
      assertEquals(0, d.lastUsedWritable()[0], "write OK");
      d.add(List.of(header(0, 100)), List.of(16384, 1));
      h.core.notify(0);
      awaitUsed(h, d);
      byte[] back = d.lastUsedWritable();
      assertEquals(0, back[16384], "read OK");
      assertArrayEquals(data, Arrays.copyOf(back, 16384));
      d.add(List.of(header(4, 0)), List.of(1));
      h.core.notify(0);
      awaitUsed(h, d);
      assertEquals(0, d.lastUsedWritable()[0], "flush OK");
      assertArrayEquals(
          data, Arrays.copyOfRange(Files.readAllBytes(image), 100 * 512, 100 * 512 + 16384));
      h.core.setStatus(0);
    } finally {
      blk.close();
    }
  }

  private static void awaitUsed(DeviceHarness h, MockDriver d) throws Exception {
    MockDriver.Used[] got = new MockDriver.Used[1];
    h.awaitUntil(
        "a used buffer",
        () -> {
          try {
            got[0] = d.pollUsed();
          } catch (io.parasol.machine.memory.GuestMemoryException e) {
            throw new AssertionError(e);
          }
          return got[0] != null;
        });
  }
}
