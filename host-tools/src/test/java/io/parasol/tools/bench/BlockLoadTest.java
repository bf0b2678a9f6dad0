package io.parasol.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.file.RawImageFile;
import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.blk.BlockBackend;
import io.parasol.virtio.blk.ForwardingBlockBackend;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BlockLoad} against a raw image file, and against a backend that misbehaves. */
class BlockLoadTest {
  private static final long MS = 1_000_000L;

  /** A raw image of {@code bytes} zeros in {@code dir}. */
  private static Path image(Path dir, int bytes) throws IOException {
    return Files.write(dir.resolve("disk.raw"), new byte[bytes]);
  }

  @Test
  void sequentialReadsCoverTheDiskInOrderAndCountWholeRequests(@TempDir Path dir) throws Exception {
    Path image = image(dir, 1 << 20);
    try (RawImageFile file = RawImageFile.open(image, false, 0);
        HostBufferPool pool = HostBufferPool.ofPrivateMemory(4 * 64 * 1024)) {
      Recording disk = new Recording(file);
      BlockLoad.Result r =
          new BlockLoad(disk, pool, BlockLoad.Pattern.READ, 64 * 1024, 4, 0).run(0, 100 * MS);
      assertTrue(r.requests() > 0, "requests completed: " + r);
      assertEquals(r.requests() * 64 * 1024, r.bytes());
      assertTrue(r.nanos() > 0 && r.nanos() <= 100 * MS, "measured " + r.nanos() + " ns");
      // 16 blocks in the disk: the offsets go 0, 64 KiB, ... and wrap at the end.
      assertEquals(0, disk.firstOffsets[0]);
      assertEquals(64 * 1024, disk.firstOffsets[1]);
      assertTrue(disk.maxOffset.get() <= (1 << 20) - 64 * 1024, "max " + disk.maxOffset);
      assertEquals(4 * 64 * 1024, pool.freeChunks() * 64L * 1024, "every buffer went back");
    }
  }

  @Test
  void writesAndRandomReadsRun(@TempDir Path dir) throws Exception {
    Path image = image(dir, 1 << 20);
    try (RawImageFile file = RawImageFile.open(image, false, 2);
        HostBufferPool pool = HostBufferPool.ofPrivateMemory(8 * 64 * 1024)) {
      for (BlockLoad.Pattern p : List.of(BlockLoad.Pattern.WRITE, BlockLoad.Pattern.RANDREAD)) {
        BlockLoad.Result r = new BlockLoad(file, pool, p, 4096, 8, 0).run(10 * MS, 50 * MS);
        assertTrue(r.requests() > 0 && r.iops() > 0, p + ": " + r);
      }
    }
  }

  @Test
  void aShortCountIsAnErrorNotAFigure(@TempDir Path dir) throws Exception {
    Path image = image(dir, 1 << 20);
    try (RawImageFile file = RawImageFile.open(image, false, 0);
        HostBufferPool pool = HostBufferPool.ofPrivateMemory(64 * 1024)) {
      BlockBackend shortReads =
          new Recording(file) {
            @Override
            public CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
              return CompletableFuture.completedFuture(512L);
            }
          };
      IOException e =
          assertThrows(
              IOException.class,
              () -> new BlockLoad(shortReads, pool, BlockLoad.Pattern.READ, 4096, 1, 0).run(0, MS));
      assertTrue(e.getMessage().contains("moved 512 of 4096"), e.getMessage());
      BlockBackend failing =
          new Recording(file) {
            @Override
            public CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
              return CompletableFuture.failedFuture(new IOException("EIO from the disk"));
            }
          };
      e =
          assertThrows(
              IOException.class,
              () -> new BlockLoad(failing, pool, BlockLoad.Pattern.READ, 4096, 1, 0).run(0, MS));
      assertTrue(e.getMessage().contains("EIO from the disk"), e.getMessage());
      assertEquals(1, pool.freeChunks(), "the buffer went back");
    }
  }

  @Test
  void impossibleLoadsAreRefusedUpFront(@TempDir Path dir) throws Exception {
    Path image = image(dir, 64 * 1024);
    try (RawImageFile file = RawImageFile.open(image, true, 0);
        HostBufferPool pool = HostBufferPool.ofPrivateMemory(2 * 64 * 1024)) {
      assertThrows(
          IllegalArgumentException.class,
          () -> new BlockLoad(file, pool, BlockLoad.Pattern.READ, 1000, 1, 0));
      IllegalArgumentException big =
          assertThrows(
              IllegalArgumentException.class,
              () -> new BlockLoad(file, pool, BlockLoad.Pattern.READ, 4096, 3, 0));
      assertTrue(big.getMessage().contains("do not fit"), big.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> new BlockLoad(file, pool, BlockLoad.Pattern.READ, 128 * 1024, 1, 0));
      IllegalArgumentException ro =
          assertThrows(
              IllegalArgumentException.class,
              () -> new BlockLoad(file, pool, BlockLoad.Pattern.WRITE, 4096, 1, 0));
      assertTrue(ro.getMessage().contains("read-only"), ro.getMessage());
    }
  }

  /** Passes everything to a real backend and notes the read offsets. */
  private static class Recording extends ForwardingBlockBackend {
    final long[] firstOffsets = {-1, -1};
    final AtomicLong maxOffset = new AtomicLong();
    private int reads;

    Recording(BlockBackend inner) {
      super(inner);
    }

    @Override
    public synchronized CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
      if (reads < 2) {
        firstOffsets[reads] = offset;
      }
      reads++;
      maxOffset.accumulateAndGet(offset, Math::max);
      return inner.read(offset, dst);
    }
  }
}
