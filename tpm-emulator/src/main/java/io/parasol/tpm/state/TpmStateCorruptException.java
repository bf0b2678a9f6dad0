package io.parasol.tpm.state;

/**
 * A file is not a well-formed sealed state (or rollback anchor) file: it is empty, truncated, does
 * not parse, or does not carry the expected magic number.
 */
public final class TpmStateCorruptException extends TpmStateException {

  /** A corrupt file described by {@code message}. */
  public TpmStateCorruptException(String message) {
    super(message);
  }

  /** A corrupt file described by {@code message}, caused by {@code cause} (a parse error). */
  public TpmStateCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
