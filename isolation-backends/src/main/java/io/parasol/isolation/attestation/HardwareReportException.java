package io.parasol.isolation.attestation;

/**
 * The platform has a report interface but it failed: the message names the interface and the
 * reason, e.g. {@code SNP_GET_REPORT failed: EIO (5), firmware error 0x16}.
 */
public class HardwareReportException extends Exception {
  private static final long serialVersionUID = 1L;

  public HardwareReportException(String message) {
    super(message);
  }

  public HardwareReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
