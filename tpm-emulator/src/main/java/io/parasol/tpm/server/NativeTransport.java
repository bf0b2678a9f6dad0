package io.parasol.tpm.server;

import io.parasol.tpm.server.sys.UnixSockets;
import java.io.IOException;

/**
 * A client on a raw descriptor: a connection accepted by a {@link NativeListener} (which may carry
 * descriptors, as the swtpm control channel needs for {@code CMD_SET_DATAFD}) or a data socket a
 * client passed that way.
 */
final class NativeTransport implements Transport {
  private final NativeDescriptor descriptor;
  private final boolean receivesDescriptors;
  private final String description;
  private final int[] received = {-1};
  private int pendingDescriptor = -1;

  NativeTransport(int fd, boolean receivesDescriptors, String description) {
    this.descriptor = new NativeDescriptor(fd);
    this.receivesDescriptors = receivesDescriptors;
    this.description = description;
  }

  @Override
  public int read(byte[] dst, int offset, int length) throws IOException {
    int fd = descriptor.acquire();
    try {
      descriptor.awaitReadable(fd);
      int n;
      if (receivesDescriptors) {
        n = UnixSockets.receive(fd, dst, offset, length, received);
        if (received[0] >= 0) {
          // Only the latest descriptor is kept; an unclaimed earlier one must not leak.
          UnixSockets.close(pendingDescriptor);
          pendingDescriptor = received[0];
        }
      } else {
        n = UnixSockets.read(fd, dst, offset, length);
      }
      return n == 0 ? -1 : n;
    } finally {
      descriptor.release();
    }
  }

  @Override
  public void write(byte[] src) throws IOException {
    int fd = descriptor.acquire();
    try {
      UnixSockets.writeFully(fd, src, 0, src.length);
    } finally {
      descriptor.release();
    }
  }

  @Override
  public int takeReceivedDescriptor() {
    int fd = pendingDescriptor;
    pendingDescriptor = -1;
    return fd;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    descriptor.close();
    // The serving thread is the only reader; by the time it closes, no read can add a descriptor.
    UnixSockets.close(takeReceivedDescriptor());
  }
}
