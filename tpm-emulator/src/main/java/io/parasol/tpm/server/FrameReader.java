package io.parasol.tpm.server;

import java.io.IOException;

/**
 * Big-endian fields from a {@link Transport}, through a buffer so that a frame arriving in one
 * segment costs one receive.
 *
 * <p>The buffer also gives the swtpm control channel its message boundaries: swtpm treats one
 * receive as one request and ignores bytes beyond what the command needs (QEMU sends 4-byte request
 * unions where the command reads 1 byte), which {@link #discardBuffered} reproduces.
 */
final class FrameReader {
  private final Transport transport;
  private final byte[] buffer;
  private int position;
  private int limit;

  FrameReader(Transport transport, int capacity) {
    this.transport = transport;
    this.buffer = new byte[capacity];
  }

  /**
   * Waits for the first byte of the next request. Returns false if the client closed the connection
   * cleanly, between requests.
   */
  boolean awaitRequest() throws IOException {
    return position < limit || fill(false);
  }

  /** Bytes received but not yet consumed. */
  int buffered() {
    return limit - position;
  }

  /** Drops the bytes received but not consumed; returns how many. */
  int discardBuffered() {
    int n = limit - position;
    position = limit = 0;
    return n;
  }

  int u8() throws IOException {
    require(1);
    return buffer[position++] & 0xFF;
  }

  int u16() throws IOException {
    require(2);
    int v = ((buffer[position] & 0xFF) << 8) | (buffer[position + 1] & 0xFF);
    position += 2;
    return v;
  }

  /** A u32 as a non-negative long. */
  long u32() throws IOException {
    require(4);
    long v =
        ((buffer[position] & 0xFFL) << 24)
            | ((buffer[position + 1] & 0xFFL) << 16)
            | ((buffer[position + 2] & 0xFFL) << 8)
            | (buffer[position + 3] & 0xFFL);
    position += 4;
    return v;
  }

  long u64() throws IOException {
    return (u32() << 32) | u32();
  }

  /** Reads exactly {@code length} bytes into {@code dst[offset..]}. */
  void read(byte[] dst, int offset, int length) throws IOException {
    while (length > 0) {
      if (position == limit && !fill(true)) {
        throw new TruncatedFrameException("connection closed inside a frame");
      }
      int n = Math.min(length, limit - position);
      System.arraycopy(buffer, position, dst, offset, n);
      position += n;
      offset += n;
      length -= n;
    }
  }

  byte[] bytes(int length) throws IOException {
    byte[] dst = new byte[length];
    read(dst, 0, length);
    return dst;
  }

  /** Consumes and drops {@code length} bytes. */
  void skip(long length) throws IOException {
    while (length > 0) {
      if (position == limit && !fill(true)) {
        throw new TruncatedFrameException("connection closed inside a frame");
      }
      int n = (int) Math.min(length, limit - position);
      position += n;
      length -= n;
    }
  }

  private void require(int n) throws IOException {
    while (limit - position < n) {
      if (!fill(true)) {
        throw new TruncatedFrameException("connection closed inside a frame");
      }
    }
  }

  /**
   * One receive into the free end of the buffer (compacting first); false at end of stream. {@code
   * inRequest}: the bytes awaited are the rest of a request that has begun.
   */
  private boolean fill(boolean inRequest) throws IOException {
    if (inRequest) {
      transport.awaitingRestOfRequest();
    }
    if (position == limit) {
      position = limit = 0;
    } else if (limit == buffer.length) {
      System.arraycopy(buffer, position, buffer, 0, limit - position);
      limit -= position;
      position = 0;
    }
    int n = transport.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      return false;
    }
    limit += n;
    return true;
  }
}
