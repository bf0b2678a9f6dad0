package io.parasol.bounce;

import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.queue.ChainReader;
import io.parasol.virtio.queue.ChainWriter;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The data of one request as the host backend sees it: a scatter list of pool memory. The device
 * copies guest data in ({@link #copyFromGuest}) before the backend reads it, and copies out ({@link
 * #copyToGuest}) only as many bytes as it checked the backend produced. Close it to return the
 * memory to the pool.
 */
public final class HostBuffer implements AutoCloseable {
  private final HostBufferPool pool;
  private final List<MemorySegment> segments;
  private final List<MemorySegment> chunks;
  private final long sizeBytes;
  private boolean released;

  /** {@code contiguous} is the one-piece view of {@code chunks}, or null for a scatter list. */
  HostBuffer(
      HostBufferPool pool, List<MemorySegment> chunks, MemorySegment contiguous, long sizeBytes) {
    this.pool = pool;
    this.chunks = List.copyOf(chunks);
    this.segments = contiguous == null ? this.chunks : List.of(contiguous);
    this.sizeBytes = sizeBytes;
  }

  /** The buffer as one segment; only for buffers from {@link HostBufferPool#acquireContiguous}. */
  public MemorySegment contiguous() {
    if (segments.size() != 1) {
      throw new IllegalStateException("a scatter buffer of " + segments.size() + " pieces");
    }
    return segments.get(0);
  }

  /** The pieces, in order; what a backend reads from or writes into. */
  public List<MemorySegment> segments() {
    return segments;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  /** Copies the next {@link #sizeBytes} readable bytes of a chain in (guest to host memory). */
  public void copyFromGuest(ChainReader reader) throws GuestMemoryException {
    for (MemorySegment s : segments) {
      reader.read(s);
    }
  }

  /**
   * Copies the first {@code bytes} of this buffer out to a chain (host memory to guest), after
   * checking that the host's count fits the buffer.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative or more than the buffer holds
   */
  public void copyToGuest(ChainWriter writer, long bytes) throws GuestMemoryException {
    if (bytes < 0 || bytes > sizeBytes) {
      throw new IllegalArgumentException("host reported " + bytes + " of " + sizeBytes + " bytes");
    }
    long left = bytes;
    for (MemorySegment s : segments) {
      if (left == 0) {
        break;
      }
      long n = Math.min(left, s.byteSize());
      writer.write(s.asSlice(0, n));
      left -= n;
    }
  }

  /** Fills the buffer with zeros. */
  public void clear() {
    for (MemorySegment s : segments) {
      s.fill((byte) 0);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    pool.release(chunks);
  }
}
