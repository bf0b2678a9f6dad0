package io.parasol.tools.bench;

import io.parasol.bounce.HostBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.blk.BlockBackend;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fio-like load on a {@link BlockBackend}: {@code depth} requests of {@code blockBytes} always in
 * flight, sequential (wrapping at the end of the span) or at random aligned offsets, for a warm-up
 * that is not counted and then a measured time. Every completion is checked: a short count or a
 * failed request ends the run with an error, never a figure.
 */
public final class BlockLoad {
  /** What the requests do. */
  public enum Pattern {
    READ,
    WRITE,
    RANDREAD
  }

  /** The measured part: bytes moved and requests completed in {@code nanos}. */
  public record Result(long bytes, long requests, long nanos) {
    public double kibPerSecond() {
      return bytes / 1024.0 / (nanos / 1e9);
    }

    public double iops() {
      return requests / (nanos / 1e9);
    }
  }

  private record Done(HostBuffer buffer, Long bytes, Throwable failure) {}

  private final BlockBackend disk;
  private final HostBufferPool pool;
  private final Pattern pattern;
  private final int blockBytes;
  private final int depth;
  private final long blocks;
  private final SplittableRandom random = new SplittableRandom(1);
  private long nextBlock;

  /**
   * A load on {@code disk}, whose buffers come from {@code pool} (which must hold {@code depth}
   * blocks at once), over the first {@code spanBytes} of the disk (0: all of it).
   */
  public BlockLoad(
      BlockBackend disk,
      HostBufferPool pool,
      Pattern pattern,
      int blockBytes,
      int depth,
      long spanBytes) {
    if (blockBytes < 512 || blockBytes % 512 != 0) {
      throw new IllegalArgumentException("block size " + blockBytes + " is not whole sectors");
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth " + depth);
    }
    if ((long) depth * bytesHeld(blockBytes) > pool.capacityBytes()) {
      throw new IllegalArgumentException(
          depth + " blocks of " + blockBytes + " do not fit a pool of " + pool.capacityBytes());
    }
    long span = spanBytes == 0 ? disk.sizeBytes() : Math.min(spanBytes, disk.sizeBytes());
    this.blocks = span / blockBytes;
    if (blocks < 1) {
      throw new IllegalArgumentException(
          "a disk of " + disk.sizeBytes() + " bytes holds no block of " + blockBytes);
    }
    if (pattern == Pattern.WRITE && disk.isReadOnly()) {
      throw new IllegalArgumentException("the disk is read-only");
    }
    this.disk = disk;
    this.pool = pool;
    this.pattern = pattern;
    this.blockBytes = blockBytes;
    this.depth = depth;
  }

  /**
   * Runs {@code warmupNanos} unmeasured, then {@code measureNanos} measured, and waits for every
   * request still in flight.
   *
   * @throws IOException if any request fails or moves fewer bytes than asked
   */
  public Result run(long warmupNanos, long measureNanos) throws IOException, InterruptedException {
    LinkedBlockingQueue<Done> completions = new LinkedBlockingQueue<>();
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    long end = measureFrom + measureNanos;
    int inFlight = 0;
    for (int i = 0; i < depth; i++) {
      issue(completions);
      inFlight++;
    }
    long bytes = 0;
    long requests = 0;
    long measuredStart = -1;
    IOException failure = null;
    while (inFlight > 0) {
      Done d = completions.poll(30, TimeUnit.SECONDS);
      if (d == null) {
        throw new IOException(inFlight + " requests did not complete within 30 s");
      }
      inFlight--;
      d.buffer().close();
      if (failure == null && d.failure() != null) {
        failure = new IOException("request failed: " + d.failure().getMessage(), d.failure());
      } else if (failure == null && (d.bytes() == null || d.bytes() != blockBytes)) {
        failure = new IOException("request moved " + d.bytes() + " of " + blockBytes + " bytes");
      }
      long now = System.nanoTime();
      if (now >= measureFrom && now < end) {
        if (measuredStart < 0) {
          measuredStart = now; // counts completions from here on, as fio's ramp_time does
        } else {
          bytes += blockBytes;
          requests++;
        }
      }
      if (failure == null && now < end) {
        issue(completions);
        inFlight++;
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (requests == 0) {
      throw new IOException("no request completed in the measured time");
    }
    return new Result(bytes, requests, end - measuredStart);
  }

  /** What a buffer of {@code blockBytes} takes from a pool: whole chunks. */
  public static long bytesHeld(int blockBytes) {
    long chunk = HostBufferPool.CHUNK_BYTES;
    return (blockBytes + chunk - 1) / chunk * chunk;
  }

  private void issue(LinkedBlockingQueue<Done> completions) throws InterruptedException {
    HostBuffer buffer = pool.acquireContiguous(blockBytes);
    long offset = offset();
    CompletableFuture<Long> op =
        pattern == Pattern.WRITE
            ? disk.write(offset, buffer.segments())
            : disk.read(offset, buffer.segments());
    op.whenComplete((n, e) -> completions.add(new Done(buffer, n, e)));
  }

  private long offset() {
    long block =
        switch (pattern) {
          case RANDREAD -> random.nextLong(blocks);
          case READ, WRITE -> {
            long b = nextBlock;
            nextBlock = (nextBlock + 1) % blocks;
            yield b;
          }
        };
    return block * blockBytes;
  }
}
