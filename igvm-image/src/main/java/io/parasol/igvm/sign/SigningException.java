package io.parasol.igvm.sign;

/** A key cannot be read or used for signing, or a file cannot be signed. */
public final class SigningException extends Exception {
  private static final long serialVersionUID = 1L;

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
