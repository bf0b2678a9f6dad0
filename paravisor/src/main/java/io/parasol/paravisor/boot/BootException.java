package io.parasol.paravisor.boot;

/** A payload cannot be loaded: the message says which and why, in one sentence. */
public final class BootException extends Exception {
  private static final long serialVersionUID = 1L;

  public BootException(String message) {
    super(message);
  }

  public BootException(String message, Throwable cause) {
    super(message, cause);
  }
}
