package io.parasol.isolation.attestation;

/**
 * Bytes that claim to be a hardware report, quote or evidence document but cannot be one: too
 * short, a length field pointing past the end, an unknown version. The message is one sentence
 * naming the structure and what is wrong with it.
 */
public class MalformedEvidenceException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedEvidenceException(String message) {
    super(message);
  }

  public MalformedEvidenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
