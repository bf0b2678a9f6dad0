package io.parasol.bounce;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Fixed-size chunks of one memory region, handed out as {@link HostBuffer}s for the data of one
 * request. A request larger than a chunk gets several (a scatter list, as an iovec). When the pool
 * is exhausted {@link #acquire} waits for completions to return chunks. Thread-safe.
 */
public final class HostBufferPool implements AutoCloseable {
  /** Chunk size: a multiple of every sector and page size a backend cares about. */
  public static final int CHUNK_BYTES = 64 * 1024;

  private final MemorySegment region;
  private final int chunks;
  private final BitSet used;
  private final AutoCloseable owner;
  private int free;
  private boolean closed;

  /** A pool over {@code region}; {@code owner} is closed with the pool (may be {@code null}). */
  HostBufferPool(MemorySegment region, AutoCloseable owner) {
    long n = region.byteSize() / CHUNK_BYTES;
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a pool needs at least one chunk of " + CHUNK_BYTES);
    }
    this.region = region;
    this.chunks = (int) n;
    this.used = new BitSet(chunks);
    this.free = chunks;
    this.owner = owner;
  }

  /** A pool of {@code sizeBytes} of private native memory (not shared with anyone). */
  public static HostBufferPool ofPrivateMemory(long sizeBytes) {
    Arena arena = Arena.ofShared();
    return new HostBufferPool(arena.allocate(sizeBytes, 4096), arena);
  }

  /** How many bytes the pool holds; no single buffer can be larger. */
  public long capacityBytes() {
    return (long) chunks * CHUNK_BYTES;
  }

  /** Whether all of {@code segment} lies inside the pool's region. */
  public boolean contains(MemorySegment segment) {
    long start = region.address();
    long at = segment.address();
    return segment.isNative()
        && at >= start
        && at + segment.byteSize() <= start + region.byteSize();
  }

  /** The whole region (for handing to a host peer that maps it). */
  public MemorySegment region() {
    return region;
  }

  /**
   * A buffer of exactly {@code sizeBytes}, waiting for chunks if the pool is short.
   *
   * @throws IllegalArgumentException if {@code sizeBytes} exceeds {@link #capacityBytes}
   * @throws InterruptedException if interrupted while waiting
   */
  public HostBuffer acquire(long sizeBytes) throws InterruptedException {
    if (sizeBytes < 0 || sizeBytes > capacityBytes()) {
      throw new IllegalArgumentException(
          "buffer of " + sizeBytes + " bytes from a pool of " + capacityBytes());
    }
    int need = (int) ((sizeBytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
    List<MemorySegment> segments = new ArrayList<>(need);
    synchronized (this) {
      while (free < need && !closed) {
        wait();
      }
      if (closed) {
        throw new IllegalStateException("pool is closed");
      }
      long left = sizeBytes;
      int from = 0;
      for (int i = 0; i < need; i++) {
        int chunk = used.nextClearBit(from);
        used.set(chunk);
        from = chunk + 1;
        long n = Math.min(left, CHUNK_BYTES);
        segments.add(region.asSlice((long) chunk * CHUNK_BYTES, n));
        left -= n;
      }
      free -= need;
    }
    return new HostBuffer(this, segments, null, sizeBytes);
  }

  /**
   * A buffer of {@code sizeBytes} in one piece (consecutive chunks), for backends that need one
   * contiguous frame (a network packet), waiting for chunks if needed.
   */
  public HostBuffer acquireContiguous(long sizeBytes) throws InterruptedException {
    if (sizeBytes < 1 || sizeBytes > capacityBytes()) {
      throw new IllegalArgumentException(
          "buffer of " + sizeBytes + " bytes from a pool of " + capacityBytes());
    }
    int need = (int) ((sizeBytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
    synchronized (this) {
      while (true) {
        if (closed) {
          throw new IllegalStateException("pool is closed");
        }
        int start = findRun(need);
        if (start >= 0) {
          used.set(start, start + need);
          free -= need;
          List<MemorySegment> chunksTaken = new ArrayList<>(need);
          for (int i = 0; i < need; i++) {
            chunksTaken.add(region.asSlice((long) (start + i) * CHUNK_BYTES, CHUNK_BYTES));
          }
          return new HostBuffer(
              this, chunksTaken, region.asSlice((long) start * CHUNK_BYTES, sizeBytes), sizeBytes);
        }
        wait();
      }
    }
  }

  private int findRun(int need) {
    int at = used.nextClearBit(0);
    while (at + need <= chunks) {
      int end = used.nextSetBit(at);
      if (end < 0 || end - at >= need) {
        return at;
      }
      at = used.nextClearBit(end);
    }
    return -1;
  }

  synchronized void release(List<MemorySegment> segments) {
    for (MemorySegment s : segments) {
      used.clear((int) ((s.address() - region.address()) / CHUNK_BYTES));
    }
    free += segments.size();
    notifyAll();
  }

  /** Chunks not handed out. */
  public synchronized int freeChunks() {
    return free;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    if (owner != null) {
      try {
        owner.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the pool's memory failed", e);
      }
    }
  }
}
