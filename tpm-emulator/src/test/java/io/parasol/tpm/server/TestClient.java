package io.parasol.tpm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A test client of either socket kind, with blocking reads bounded by a timeout. */
final class TestClient implements AutoCloseable {
  private static final long TIMEOUT_MILLIS = 5_000;

  private final AutoCloseable socket;
  private final InputStream in;
  private final OutputStream out;

  private TestClient(AutoCloseable socket, InputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  static TestClient connect(Endpoint endpoint) throws IOException {
    return switch (endpoint) {
      case Endpoint.Tcp tcp -> {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(tcp.address(), tcp.port()), (int) TIMEOUT_MILLIS);
        s.setSoTimeout((int) TIMEOUT_MILLIS);
        yield new TestClient(s, s.getInputStream(), s.getOutputStream());
      }
      case Endpoint.Unix unix -> {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(unix.path()));
        yield new TestClient(c, Channels.newInputStream(c), Channels.newOutputStream(c));
      }
    };
  }

  TestClient send(byte[]... parts) throws IOException {
    for (byte[] p : parts) {
      out.write(p);
    }
    out.flush();
    return this;
  }

  TestClient sendU32(long... values) throws IOException {
    return send(Wire.u32(values));
  }

  /** Reads exactly {@code n} bytes, failing after the timeout. */
  byte[] read(int n) throws IOException {
    return withTimeout(() -> in.readNBytes(n), n);
  }

  void expect(byte[] expected) throws IOException {
    assertArrayEquals(expected, read(expected.length), "reply bytes");
  }

  void expectHex(String hex) throws IOException {
    assertEquals(hex.replace(" ", ""), Wire.hex(read(Wire.hex(hex).length)));
  }

  /** Asserts that the server closed the connection without sending anything more. */
  void expectClosed() throws IOException {
    int b = withTimeout(this::readOneOrEof);
    assertEquals(-1, b, "expected the server to close the connection");
  }

  private int readOneOrEof() throws IOException {
    try {
      return in.read();
    } catch (IOException e) {
      // A reset is a close too.
      if (e.getMessage() != null && e.getMessage().contains("reset")) {
        return -1;
      }
      throw e;
    }
  }

  private interface Read<T> {
    T run() throws IOException;
  }

  private byte[] withTimeout(Read<byte[]> read, int n) throws IOException {
    byte[] b = withTimeout(read);
    if (b.length != n) {
      throw new EOFException("connection closed after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  private <T> T withTimeout(Read<T> read) throws IOException {
    if (socket instanceof Socket) {
      try {
        return read.run();
      } catch (SocketTimeoutException e) {
        throw new IOException("no reply within " + TIMEOUT_MILLIS + " ms", e);
      }
    }
    // SocketChannel streams have no read timeout: read in another thread and wait for it.
    CompletableFuture<T> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return read.run();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      return f.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new IOException("no reply within " + TIMEOUT_MILLIS + " ms", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.io.UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (Exception e) {
      // Already closed.
    }
  }
}
