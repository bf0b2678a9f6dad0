package io.parasol.tpm;

/**
 * A command failed with a TPM response code. Thrown anywhere inside the engine when guest bytes or
 * TPM state make a command fail; the dispatcher turns it into a response carrying {@link #rc()}. It
 * carries no stack trace: it is an expected outcome, not a bug.
 */
public final class TpmException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int rc;

  /** A failure with response code {@code rc} (one of {@link TpmRc}). */
  public TpmException(int rc) {
    super(TpmRc.describe(rc), null, false, false);
    if (rc == TpmRc.SUCCESS) {
      throw new IllegalArgumentException("TPM_RC_SUCCESS is not a failure");
    }
    this.rc = rc;
  }

  /** The response code. */
  public int rc() {
    return rc;
  }

  /**
   * This failure attributed to parameter {@code n}, unless it already names one or is a format-zero
   * code ({@link TpmRc#parameter}).
   */
  public TpmException atParameter(int n) {
    return TpmRc.hasNumber(rc) ? this : new TpmException(TpmRc.parameter(rc, n));
  }

  /** This failure attributed to handle {@code n} (see {@link #atParameter}). */
  public TpmException atHandle(int n) {
    return TpmRc.hasNumber(rc) ? this : new TpmException(TpmRc.handle(rc, n));
  }

  /** This failure attributed to session {@code n} (see {@link #atParameter}). */
  public TpmException atSession(int n) {
    return TpmRc.hasNumber(rc) ? this : new TpmException(TpmRc.session(rc, n));
  }
}
