package io.parasol.tpm.state;

/**
 * The vTPM's persistent state could not be loaded or saved. The message is one sentence that names
 * the file and says what went wrong; subclasses tell the reasons a caller may want to treat apart
 * (a bad key, a corrupt or unknown file, a rollback). This class itself is used for I/O failures.
 */
public class TpmStateException extends Exception {

  /** A failure described by {@code message}. */
  public TpmStateException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause} (usually an I/O error). */
  public TpmStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
