package io.parasol.tpm.server;

import java.io.Closeable;
import java.io.IOException;

/**
 * One client's byte stream: a TCP or Unix socket, or a descriptor passed over a Unix socket. Only
 * the thread serving the client reads and writes; {@link #close} may come from any thread and makes
 * a blocked read end with an exception.
 */
interface Transport extends Closeable {

  /** One receive of at most {@code length} bytes: the count read (at least 1), or -1 at the end. */
  int read(byte[] dst, int offset, int length) throws IOException;

  /** Writes all of {@code src}, in one system call where the socket takes it. */
  void write(byte[] src) throws IOException;

  /**
   * Takes the descriptor that arrived with data read so far ({@code SCM_RIGHTS}), or returns -1.
   * The caller owns a descriptor it takes. Transports that cannot carry descriptors return -1.
   */
  default int takeReceivedDescriptor() {
    return -1;
  }

  /** Who the peer is, for log lines. */
  String describe();

  /** Closes the connection; idempotent, callable from any thread. */
  @Override
  void close();
}
