package io.parasol.tpm.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** A blocking {@link ServerSocketChannel} on TCP or a Unix socket path. */
final class ChannelListener implements Listener {
  private static final int BACKLOG = 8;

  private final ServerSocketChannel server;
  private final Endpoint endpoint;
  private volatile boolean closed;

  private ChannelListener(ServerSocketChannel server, Endpoint endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /** Binds {@code endpoint}; a TCP port 0 becomes the port the system picked. */
  static ChannelListener bind(Endpoint endpoint) throws IOException {
    return switch (endpoint) {
      case Endpoint.Tcp tcp -> {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
          server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
          server.bind(new InetSocketAddress(tcp.address(), tcp.port()), BACKLOG);
        } catch (IOException e) {
          server.close();
          if (e instanceof BindException) {
            throw new BindException("cannot listen on " + tcp + ": " + e.getMessage());
          }
          throw e;
        }
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        yield new ChannelListener(server, new Endpoint.Tcp(tcp.address(), port));
      }
      case Endpoint.Unix unix -> {
        removeStaleSocket(unix.path());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          server.bind(UnixDomainSocketAddress.of(unix.path()), BACKLOG);
        } catch (IOException e) {
          server.close();
          throw new IOException("cannot listen on " + unix + ": " + e.getMessage(), e);
        }
        yield new ChannelListener(server, unix);
      }
    };
  }

  /**
   * Removes a socket file left by an earlier server that did not stop cleanly, so that binding
   * succeeds. Refuses to remove anything that is not a socket (a regular file, a directory).
   */
  static void removeStaleSocket(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isOther()) {
      throw new IOException("cannot listen on " + path + ": it exists and is not a socket");
    }
    Files.deleteIfExists(path);
  }

  @Override
  public Transport accept() throws IOException {
    if (closed) {
      return null;
    }
    SocketChannel client;
    try {
      client = server.accept();
    } catch (ClosedChannelException e) {
      return null;
    }
    String peer =
        endpoint instanceof Endpoint.Tcp ? String.valueOf(client.getRemoteAddress()) : "peer";
    try {
      return new ChannelTransport(client, endpoint + " <- " + peer);
    } catch (IOException e) {
      client.close();
      throw e;
    }
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Nothing is left to release.
    }
    if (endpoint instanceof Endpoint.Unix unix) {
      try {
        Files.deleteIfExists(unix.path());
      } catch (IOException e) {
        // A socket file we cannot remove is replaced by the next server's bind.
      }
    }
  }
}
