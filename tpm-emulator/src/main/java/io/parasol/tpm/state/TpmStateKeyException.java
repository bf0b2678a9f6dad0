package io.parasol.tpm.state;

/**
 * The state key is missing or unusable: the key file does not exist, has the wrong size, can be
 * read by others, or could not be read or created.
 */
public final class TpmStateKeyException extends TpmStateException {

  /** A key problem described by {@code message}. */
  public TpmStateKeyException(String message) {
    super(message);
  }

  /** A key problem described by {@code message}, caused by {@code cause}. */
  public TpmStateKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
