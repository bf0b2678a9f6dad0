package io.parasol.backend.vsock;

import io.parasol.virtio.vsock.VirtioVsock;
import io.parasol.virtio.vsock.VsockHost;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host endpoints on Unix domain sockets: a guest connection to host port P goes to the socket
 * {@code PATH_P}; a host program connects to {@code PATH}, writes {@code CONNECT <guest port>\n},
 * and reads {@code OK <host port>\n} before the stream starts (or the socket closes if the guest
 * refuses).
 */
public final class UnixSocketVsockHost implements VsockHost, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketVsockHost.class);
  private static final int MAX_LINE = 32;

  private final Path path;
  private ServerSocketChannel listener;
  private Thread acceptor;

  public UnixSocketVsockHost(Path path) {
    this.path = path;
  }

  @Override
  public ByteChannel connect(long port) throws IOException {
    return SocketChannel.open(UnixDomainSocketAddress.of(path + "_" + port));
  }

  /** Starts accepting host-initiated connections on {@code PATH} for {@code device}. */
  public synchronized void listen(VirtioVsock device) throws IOException {
    Files.deleteIfExists(path);
    listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(path));
    ServerSocketChannel server = listener;
    acceptor =
        Thread.ofVirtual()
            .name("parasol-vsock-accept")
            .start(
                () -> {
                  while (server.isOpen()) {
                    try {
                      SocketChannel client = server.accept();
                      Thread.ofVirtual().start(() -> handshake(device, client));
                    } catch (IOException e) {
                      return; // closed
                    }
                  }
                });
  }

  private static void handshake(VirtioVsock device, SocketChannel client) {
    try {
      String line = readLine(client);
      if (line == null || !line.startsWith("CONNECT ")) {
        client.close();
        return;
      }
      long port;
      try {
        port = Long.parseLong(line.substring(8).trim());
      } catch (NumberFormatException e) {
        client.close();
        return;
      }
      device.connectToGuest(
          client,
          port,
          hostPort -> {
            try {
              if (hostPort < 0) {
                client.close();
              } else {
                client.write(
                    ByteBuffer.wrap(("OK " + hostPort + "\n").getBytes(StandardCharsets.US_ASCII)));
              }
            } catch (IOException e) {
              LOG.debug("vsock handshake reply failed: {}", e.getMessage());
            }
          });
    } catch (IOException e) {
      LOG.debug("vsock handshake failed: {}", e.getMessage());
    }
  }

  /** Reads one line byte by byte, so nothing after it is consumed; null if too long or closed. */
  private static String readLine(SocketChannel client) throws IOException {
    StringBuilder sb = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (sb.length() < MAX_LINE) {
      one.clear();
      if (client.read(one) < 0) {
        return null;
      }
      char c = (char) (one.get(0) & 0xFF);
      if (c == '\n') {
        return sb.toString();
      }
      sb.append(c);
    }
    return null;
  }

  @Override
  public synchronized void close() throws IOException {
    if (listener != null) {
      listener.close();
      Files.deleteIfExists(path);
    }
    if (acceptor != null) {
      acceptor.interrupt();
    }
  }
}
