package io.parasol.tpm.manufacture;

/**
 * Manufacturing failed: a TPM command was refused (the message names the command and the response
 * code), or the CA key or certificate cannot be used.
 */
public class ManufactureException extends Exception {
  private static final long serialVersionUID = 1L;

  public ManufactureException(String message) {
    super(message);
  }

  public ManufactureException(String message, Throwable cause) {
    super(message, cause);
  }
}
