package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Writes into a chain's device-writable buffers in order, as one stream, and counts what it wrote
 * (the used length the device reports, virtio v1.2 §2.7.8).
 */
public final class ChainWriter {
  private final GuestMemory memory;
  private final List<Buffer> buffers;
  private int index;
  private int offsetInBuffer;
  private long remaining;
  private long written;

  public ChainWriter(GuestMemory memory, DescriptorChain chain) {
    this.memory = memory;
    this.buffers = chain.writable();
    this.remaining = chain.writableBytes();
  }

  /** Writable bytes not yet written. */
  public long remaining() {
    return remaining;
  }

  /** Bytes written so far. */
  public long written() {
    return written;
  }

  /** Writes all of {@code src} at the current position. */
  public void write(MemorySegment src) throws GuestMemoryException {
    long need = src.byteSize();
    if (need > remaining) {
      throw new IllegalArgumentException("write of " + need + " with " + remaining + " left");
    }
    long done = 0;
    while (done < need) {
      Buffer b = buffers.get(index);
      long n = Math.min(need - done, b.length() - offsetInBuffer);
      memory.write(b.gpa() + offsetInBuffer, src.asSlice(done, n));
      offsetInBuffer += (int) n;
      remaining -= n;
      written += n;
      done += n;
      if (offsetInBuffer == b.length()) {
        index++;
        offsetInBuffer = 0;
      }
    }
  }

  /** Writes all of {@code src}. */
  public void write(byte[] src) throws GuestMemoryException {
    write(MemorySegment.ofArray(src));
  }

  /**
   * Skips to the last {@code tailBytes} writable bytes (a virtio-blk status byte sits at the very
   * end, whatever the data before it); the skipped bytes do not count as written.
   */
  public void seekToTail(long tailBytes) {
    if (tailBytes > remaining) {
      throw new IllegalArgumentException("tail of " + tailBytes + " with " + remaining + " left");
    }
    long skip = remaining - tailBytes;
    while (skip > 0) {
      long n = Math.min(skip, buffers.get(index).length() - offsetInBuffer);
      offsetInBuffer += (int) n;
      remaining -= n;
      skip -= n;
      if (offsetInBuffer == buffers.get(index).length()) {
        index++;
        offsetInBuffer = 0;
      }
    }
  }
}
