package io.parasol.tpm.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;

/** Where a server listens: a TCP address and port, or the path of an {@code AF_UNIX} socket. */
public sealed interface Endpoint {

  /** A TCP endpoint; port 0 asks for a free port. */
  record Tcp(InetAddress address, int port) implements Endpoint {
    public Tcp {
      Objects.requireNonNull(address, "address");
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("TCP port " + port + " is not 0–65535");
      }
    }

    @Override
    public String toString() {
      return address.getHostAddress() + ":" + port;
    }
  }

  /** An {@code AF_UNIX} stream socket at {@code path}, created by the server. */
  record Unix(Path path) implements Endpoint {
    public Unix {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
      return "unix:" + path;
    }
  }

  /** TCP on the loopback address 127.0.0.1, the default for both servers. */
  static Tcp loopback(int port) {
    return new Tcp(InetAddress.getLoopbackAddress(), port);
  }

  /** The control or platform socket of a Unix endpoint: {@code path + ".ctrl"}, as tpm2-tss. */
  static Unix ctrlSocketOf(Path path) {
    return new Unix(path.resolveSibling(path.getFileName() + ".ctrl"));
  }
}
