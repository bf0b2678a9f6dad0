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

  /**
   * Called before a read that waits for the rest of a request already begun. A TCP transport
   * acknowledges what it has received at once ({@code TCP_QUICKACK}, which also sends an ACK the
   * kernel was delaying): a client that writes a request in pieces without {@code TCP_NODELAY}
   * (tpm2-tss's mssim TCTI: the frame header, then the command) has its next piece held by Nagle's
   * algorithm until that ACK, which a delayed ACK would stall by about 40 ms.
   */
  default void awaitingRestOfRequest() throws IOException {}

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
