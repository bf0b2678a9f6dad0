package io.parasol.backend.sys;

import java.io.IOException;

/** A system call failed; the message names the operation and the errno ({@code EIO (5)}). */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int errno;

  public ErrnoException(String operation, int errno) {
    super(operation + " failed: " + LinuxCalls.errnoName(errno) + " (" + errno + ")");
    this.errno = errno;
  }

  /** The errno the call set. */
  public int errno() {
    return errno;
  }
}
