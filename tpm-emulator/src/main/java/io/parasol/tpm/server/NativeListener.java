package io.parasol.tpm.server;

import io.parasol.tpm.server.sys.UnixSockets;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;

/**
 * A Unix socket listener through libc rather than {@link java.nio.channels.ServerSocketChannel},
 * because its connections must be able to receive descriptors ({@code SCM_RIGHTS}): QEMU's {@code
 * -tpmdev emulator} passes the data socket to the swtpm control channel with {@code
 * CMD_SET_DATAFD}.
 */
final class NativeListener implements Listener {
  private static final int BACKLOG = 8;

  private final NativeDescriptor descriptor;
  private final Endpoint.Unix endpoint;

  private NativeListener(int fd, Endpoint.Unix endpoint) {
    this.descriptor = new NativeDescriptor(fd);
    this.endpoint = endpoint;
  }

  static NativeListener bind(Endpoint.Unix endpoint) throws IOException {
    ChannelListener.removeStaleSocket(endpoint.path());
    return new NativeListener(UnixSockets.listen(endpoint.path(), BACKLOG), endpoint);
  }

  @Override
  public Transport accept() throws IOException {
    int fd;
    try {
      fd = descriptor.acquire();
    } catch (AsynchronousCloseException e) {
      return null;
    }
    try {
      descriptor.awaitReadable(fd);
      int client = UnixSockets.accept(fd);
      return new NativeTransport(client, true, endpoint + " <- peer");
    } catch (AsynchronousCloseException e) {
      return null;
    } finally {
      descriptor.release();
    }
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    descriptor.close();
    try {
      Files.deleteIfExists(endpoint.path());
    } catch (IOException e) {
      // A socket file we cannot remove is replaced by the next server's bind.
    }
  }
}
