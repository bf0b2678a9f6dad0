package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Reads a chain's device-readable bytes in order, as one stream, each byte once. Reading past the
 * end is the caller's bug ({@link #remaining} says how much there is); a device checks request
 * sizes against {@link #remaining} before it reads.
 */
public final class ChainReader {
  private final GuestMemory memory;
  private final List<Buffer> buffers;
  private int index;
  private int offsetInBuffer;
  private long remaining;

  public ChainReader(GuestMemory memory, DescriptorChain chain) {
    this.memory = memory;
    this.buffers = chain.readable();
    this.remaining = chain.readableBytes();
  }

  /** Bytes not yet read. */
  public long remaining() {
    return remaining;
  }

  /** Fills {@code dst} from the next {@code dst.byteSize()} readable bytes. */
  public void read(MemorySegment dst) throws GuestMemoryException {
    long need = dst.byteSize();
    if (need > remaining) {
      throw new IllegalArgumentException("read of " + need + " with " + remaining + " left");
    }
    long done = 0;
    while (done < need) {
      Buffer b = buffers.get(index);
      long n = Math.min(need - done, b.length() - offsetInBuffer);
      memory.read(b.gpa() + offsetInBuffer, dst.asSlice(done, n));
      advance(n);
      done += n;
    }
  }

  /** Reads {@code length} bytes into a new array. */
  public byte[] readBytes(int length) throws GuestMemoryException {
    byte[] out = new byte[length];
    read(MemorySegment.ofArray(out));
    return out;
  }

  /** Skips {@code length} bytes. */
  public void skip(long length) {
    if (length > remaining) {
      throw new IllegalArgumentException("skip of " + length + " with " + remaining + " left");
    }
    long done = 0;
    while (done < length) {
      long n = Math.min(length - done, buffers.get(index).length() - offsetInBuffer);
      advance(n);
      done += n;
    }
  }

  private void advance(long n) {
    offsetInBuffer += (int) n;
    remaining -= n;
    if (offsetInBuffer == buffers.get(index).length()) {
      index++;
      offsetInBuffer = 0;
    }
  }
}
