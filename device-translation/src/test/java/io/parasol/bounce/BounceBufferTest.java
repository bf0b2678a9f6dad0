package io.parasol.bounce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.file.RawImageFile;
import io.parasol.machine.memory.MemoryRange;
import io.parasol.virtio.blk.BlockBackend;
import io.parasol.virtio.blk.ForwardingBlockBackend;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.queue.MockDriver;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BounceBufferTest {
  @TempDir Path dir;

  @Test
  void theRegionIsItsOwnMemfd() throws Exception {
    try (BounceBuffer bounce = BounceBuffer.create("test", 100_000)) {
      assertEquals(2 * HostBufferPool.CHUNK_BYTES, bounce.sizeBytes(), "whole chunks");
      String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + bounce.fd())).toString();
      assertTrue(link.startsWith("/memfd:parasol-bounce-test"), link);
      HostBufferPool pool = bounce.pool();
      try (HostBuffer a = pool.acquire(HostBufferPool.CHUNK_BYTES + 1)) {
        assertEquals(2, a.segments().size());
        assertEquals(1, a.segments().get(1).byteSize());
        assertEquals(0, pool.freeChunks());
        a.segments().forEach(s -> assertTrue(pool.contains(s)));
      }
      assertEquals(2, pool.freeChunks());
      assertThrows(IllegalArgumentException.class, () -> pool.acquire(pool.capacityBytes() + 1));
    }
  }

  @Test
  void copyOutRefusesCountsTheBufferDoesNotHold() throws Exception {
    try (BounceBuffer bounce = BounceBuffer.create("count", 1);
        HostBuffer b = bounce.pool().acquire(512)) {
      assertThrows(IllegalArgumentException.class, () -> b.copyToGuest(null, 513));
      assertThrows(IllegalArgumentException.class, () -> b.copyToGuest(null, -1));
    }
  }

  /** A backend that records every buffer it is handed and can lie about counts. */
  static final class WatchedBackend extends ForwardingBlockBackend {
    final List<MemorySegment> seen = new ArrayList<>();
    final AtomicLong lieBy = new AtomicLong();

    WatchedBackend(BlockBackend inner) {
      super(inner);
    }

    @Override
    public boolean isReadOnly() {
      return false;
    }

    @Override
    public boolean supportsDiscard() {
      return false;
    }

    @Override
    public boolean supportsWriteZeroes() {
      return false;
    }

    private synchronized void record(List<MemorySegment> segments) {
      seen.addAll(segments);
    }

    @Override
    public CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
      record(dst);
      return inner.read(offset, dst).thenApply(n -> n + lieBy.get());
    }

    @Override
    public CompletableFuture<Long> write(long offset, List<MemorySegment> src) {
      record(src);
      return inner.write(offset, src);
    }
  }

  private static byte[] header(int type, long sector) {
    return ByteBuffer.allocate(16)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(type)
        .putInt(0)
        .putLong(sector)
        .array();
  }

  @Test
  void theBackendOnlyEverSeesTheBounceRegion() throws Exception {
    Path image = dir.resolve("disk.raw");
    Files.write(image, new byte[1 << 20]);
    VirtioBlk.Options options = new VirtioBlk.Options("bounced", 1, 64, false);
    try (BounceBuffer bounce = BounceBuffer.create("blk", VirtioBlk.poolBytesFor(options))) {
      WatchedBackend backend = new WatchedBackend(RawImageFile.open(image, false, 2));
      VirtioBlk blk = new VirtioBlk(backend, bounce.pool(), options);
      DeviceHarness h = new DeviceHarness(blk, false, true, 0);
      MockDriver d = h.driver(0);
      byte[] data = new byte[8192];
      new Random(5).nextBytes(data);
      d.add(List.of(header(1, 16), data), List.of(1));
      h.core.notify(0);
      awaitUsed(h, d);
      assertEquals(0, d.lastUsedWritable()[0], "write OK");
      d.add(List.of(header(0, 16)), List.of(8192, 1));
      h.core.notify(0);
      awaitUsed(h, d);
      byte[] back = d.lastUsedWritable();
      assertEquals(0, back[8192], "read OK");
      assertArrayEquals(data, java.util.Arrays.copyOf(back, 8192), "data made the round trip");

      assertFalse(backend.seen.isEmpty());
      for (MemorySegment s : backend.seen) {
        assertTrue(bounce.pool().contains(s), "backend buffer inside the bounce region");
        for (MemoryRange ram : h.memory.ranges()) {
          long ramStart = ram.backing().address();
          long ramEnd = ramStart + ram.sizeBytes();
          boolean overlaps = s.address() < ramEnd && ramStart < s.address() + s.byteSize();
          assertFalse(overlaps, "backend buffer overlaps guest RAM");
        }
      }
      h.core.setStatus(0);
      blk.close();
    }
  }

  @Test
  void aHostThatOverstatesWhatItReadGetsAnIoErrorAndNoCopy() throws Exception {
    Path image = dir.resolve("disk.raw");
    Files.write(image, new byte[1 << 20]);
    VirtioBlk.Options options = new VirtioBlk.Options("liar", 1, 64, false);
    try (BounceBuffer bounce = BounceBuffer.create("liar", VirtioBlk.poolBytesFor(options))) {
      WatchedBackend backend = new WatchedBackend(RawImageFile.open(image, false, 2));
      backend.lieBy.set(4096);
      VirtioBlk blk = new VirtioBlk(backend, bounce.pool(), options);
      DeviceHarness h = new DeviceHarness(blk, true, false, 0);
      MockDriver d = h.driver(0);
      d.add(List.of(header(0, 0)), List.of(512, 1));
      h.core.notify(0);
      MockDriver.Used used = awaitUsed(h, d);
      assertEquals(1, d.lastUsedWritable()[512], "VIRTIO_BLK_S_IOERR");
      assertEquals(1, used.length(), "only the status byte was written");
      h.core.setStatus(0);
      blk.close();
    }
  }

  private static MockDriver.Used awaitUsed(DeviceHarness h, MockDriver d) throws Exception {
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
    return got[0];
  }
}
