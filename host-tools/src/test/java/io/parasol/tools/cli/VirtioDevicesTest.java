package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parasol.bounce.BounceBuffer;
import io.parasol.bounce.HostBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.blk.VirtioBlk;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parasol run --disk ... --bounce}: each disk's request buffers (the only memory its image
 * file is read into and written from; VirtioBlk copies between guest RAM and them) come from a
 * bounce buffer, a memfd region of its own. BounceBufferTest in device-translation drives requests
 * through a VirtioBlk on such a pool and checks every buffer the backend sees.
 */
class VirtioDevicesTest {
  @TempDir Path dir;

  private List<VirtioDevices.DiskOption> twoDisks() throws IOException {
    Path a = dir.resolve("a.raw");
    Path b = dir.resolve("b.raw");
    Files.write(a, new byte[1 << 20]);
    Files.write(b, new byte[64 << 10]);
    return List.of(
        VirtioDevices.DiskOption.parse(a.toString()), VirtioDevices.DiskOption.parse(b + ",ro"));
  }

  @Test
  void withBounceEveryDiskBufferIsInsideItsOwnMemfdRegion() throws Exception {
    List<String> fds = new java.util.ArrayList<>();
    try (VirtioDevices virtio = VirtioDevices.open(twoDisks(), true, true)) {
      List<BounceBuffer> bounce = virtio.bounceBuffers();
      List<HostBufferPool> pools = virtio.diskPools();
      assertEquals(2, bounce.size());
      assertEquals(2, pools.size());
      assertNotEquals(bounce.get(0).fd(), bounce.get(1).fd(), "one region per disk");
      for (int i = 0; i < 2; i++) {
        BounceBuffer b = bounce.get(i);
        HostBufferPool pool = pools.get(i);
        assertSame(b.pool(), pool, "disk " + i + " stages its requests in the bounce pool");
        assertTrue(b.offsetOf(pool.region()) >= 0, "the pool lies inside the shared region");
        // Buffers a request would get: wholly inside the region, which is a memfd.
        try (HostBuffer buf = pool.acquire(pool.capacityBytes() / 2)) {
          for (MemorySegment s : buf.segments()) {
            assertTrue(b.offsetOf(s) >= 0, "buffer inside the bounce region");
          }
        }
        String fd = "/proc/self/fd/" + b.fd();
        String target = Files.readSymbolicLink(Path.of(fd)).toString();
        assertTrue(target.startsWith("/memfd:parasol-bounce-parasol" + i), target);
        fds.add(fd + " " + target);
      }
    }
    // Closing the devices unmaps and closes every region.
    for (String entry : fds) {
      String[] parts = entry.split(" ", 2);
      boolean stillThatMemfd;
      try {
        stillThatMemfd = Files.readSymbolicLink(Path.of(parts[0])).toString().equals(parts[1]);
      } catch (IOException gone) {
        stillThatMemfd = false;
      }
      assertFalse(stillThatMemfd, parts[0] + " was not closed");
    }
  }

  @Test
  void withoutBounceThereIsNoSharedRegion() throws Exception {
    try (VirtioDevices virtio = VirtioDevices.open(twoDisks(), false, false)) {
      assertTrue(virtio.bounceBuffers().isEmpty());
      assertEquals(2, virtio.diskPools().size());
    }
  }

  @Test
  void aBadImageStillFailsWithItsNameUnderBounce() throws Exception {
    Path odd = dir.resolve("odd.raw");
    Files.write(odd, new byte[1000]);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                VirtioDevices.open(
                    List.of(VirtioDevices.DiskOption.parse(odd.toString())), false, true));
    assertTrue(e.getMessage().contains("odd.raw"), e.getMessage());
    assertTrue(e.getMessage().contains("512-byte sectors"), e.getMessage());
  }

  @Test
  void anImageDiskGetsTheQueuesItAsksFor() throws Exception {
    Path a = dir.resolve("mq.raw");
    Files.write(a, new byte[1 << 20]);
    for (boolean bounce : new boolean[] {false, true}) {
      try (VirtioDevices virtio =
          VirtioDevices.open(
              List.of(VirtioDevices.DiskOption.parse(a + ",queues=4")), false, bounce)) {
        VirtioBlk blk = (VirtioBlk) virtio.devices().get(0);
        assertEquals(4, blk.queueCount());
        assertTrue((blk.deviceFeatures() & (1L << 12)) != 0, "VIRTIO_BLK_F_MQ offered");
      }
    }
  }

  @Test
  void diskValuesParse() {
    VirtioDevices.DiskOption file = VirtioDevices.DiskOption.parse("/img/a.raw,ro");
    assertEquals(Path.of("/img/a.raw"), file.file());
    assertTrue(file.readOnly());
    assertFalse(file.vhostUser());
    VirtioDevices.DiskOption vhost = VirtioDevices.DiskOption.parse("vhost-user:/run/qsd.sock");
    assertEquals(Path.of("/run/qsd.sock"), vhost.file());
    assertTrue(vhost.vhostUser());
    assertFalse(vhost.readOnly());
    assertEquals(1, file.queues());
    VirtioDevices.DiskOption mq = VirtioDevices.DiskOption.parse("/img/b.raw,queues=4,ro");
    assertEquals(Path.of("/img/b.raw"), mq.file());
    assertEquals(4, mq.queues());
    assertTrue(mq.readOnly());
    for (String bad :
        List.of(
            "",
            ",ro",
            "vhost-user:",
            "vhost-user:,ro",
            "a,b",
            "a,rw",
            "a,ro,ro",
            "a,queues=0",
            "a,queues=17",
            "a,queues=x",
            "a,queues=2,queues=2",
            "vhost-user:/s,queues=2")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> VirtioDevices.DiskOption.parse(bad));
      assertTrue(e.getMessage().contains("vhost-user:SOCKET"), e.getMessage());
    }
  }

  @Test
  void aMissingVhostUserSocketIsOneSentence() {
    Path socket = dir.resolve("absent.sock");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                VirtioDevices.open(
                    List.of(VirtioDevices.DiskOption.parse("vhost-user:" + socket)), false, false));
    assertEquals("no vhost-user back end listens at " + socket, e.getMessage());
  }

  @Test
  void aSocketWithNoBackEndBehindItIsNamed() throws Exception {
    Path socket = dir.resolve("dead.sock");
    // A socket file nobody listens on any more.
    try (java.nio.channels.ServerSocketChannel s =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      s.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                VirtioDevices.open(
                    List.of(VirtioDevices.DiskOption.parse("vhost-user:" + socket)), false, false));
    assertTrue(
        e.getMessage().startsWith("the vhost-user back end at " + socket + ": "), e.getMessage());
  }

  @Test
  void aVhostUserDiskOnQemuStorageDaemonSharesOnlyTheClientRegion() throws Exception {
    Path qsd = Path.of("/usr/bin/qemu-storage-daemon");
    assumeTrue(Files.isExecutable(qsd), "skipped: qemu-storage-daemon is not installed");
    Path image = dir.resolve("disk.raw");
    Files.write(image, new byte[2 << 20]);
    Path socket = dir.resolve("qsd.sock");
    Process daemon =
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
    try {
      VirtioDevices virtio = null;
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      // The socket file appears at bind, a moment before the daemon listens: retry until then.
      while (virtio == null) {
        assertTrue(daemon.isAlive(), Files.readString(dir.resolve("qsd.log")));
        try {
          virtio =
              VirtioDevices.open(
                  List.of(VirtioDevices.DiskOption.parse("vhost-user:" + socket)), false, true);
        } catch (IOException notYet) {
          assertTrue(System.nanoTime() < deadline, "never connected: " + notYet.getMessage());
          Thread.sleep(50);
        }
      }
      try (VirtioDevices open = virtio) {
        assertEquals(1, open.diskPools().size());
        assertTrue(open.bounceBuffers().isEmpty(), "the client brings its own shared region");
        List<String> memfds = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/maps"))) {
          int at = line.indexOf("/memfd:");
          if (at >= 0 && !memfds.contains(line.substring(at))) {
            memfds.add(line.substring(at));
          }
        }
        assertEquals(1, memfds.size(), "memfds the daemon maps: " + memfds);
        assertTrue(memfds.get(0).startsWith("/memfd:parasol-bounce-vhost-user-blk"), memfds.get(0));
      }
    } finally {
      daemon.destroy();
      daemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void runHelpNamesTheBounceOption() {
    MainTest.Result help = MainTest.parasol("run", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("--bounce"), help.out());
  }
}
