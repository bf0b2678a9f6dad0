package io.parasol.tpm.server;

import io.parasol.tpm.server.sys.UnixSockets;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;

/**
 * A file descriptor used by one serving thread and closed, possibly by another thread, exactly
 * once: {@link #close} only marks it while a call is using it, and the last user releases it. That
 * way a descriptor number is never closed under a running {@code read}, where it could be reused by
 * another open before the read returns.
 */
final class NativeDescriptor {
  /** How often a blocked wait looks at the closed flag. */
  static final int POLL_MILLIS = 100;

  private final Object lock = new Object();
  private int fd;
  private int users;
  private boolean closed;

  NativeDescriptor(int fd) {
    this.fd = fd;
  }

  /** Starts a use: returns the descriptor, or throws if it is closed. */
  int acquire() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new AsynchronousCloseException();
      }
      users++;
      return fd;
    }
  }

  /** Ends a use begun by {@link #acquire}; the last user of a closed descriptor closes it. */
  void release() {
    synchronized (lock) {
      users--;
      if (closed && users == 0) {
        closeNow();
      }
    }
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Waits until the descriptor is readable, looking at the closed flag every {@link #POLL_MILLIS};
   * throws {@link AsynchronousCloseException} once it is closed.
   */
  void awaitReadable(int fd) throws IOException {
    while (!UnixSockets.pollReadable(fd, POLL_MILLIS)) {
      if (isClosed()) {
        throw new AsynchronousCloseException();
      }
    }
  }

  void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (users == 0) {
        closeNow();
      }
    }
  }

  private void closeNow() {
    if (fd >= 0) {
      UnixSockets.close(fd);
      fd = -1;
    }
  }
}
