package io.parasol.tpm.crypto;

/**
 * A cryptographic operation failed because of its input (a guest-supplied value, a key or a
 * ciphertext). The engine turns the {@link #kind()} into the {@code TPM_RC} named in each
 * constant's Javadoc; the crypto layer does not depend on the engine's response codes.
 *
 * <p>Failures that are our own bugs (a null key, a key of an unsupported size that the engine
 * should have rejected earlier) are {@link IllegalArgumentException}s instead.
 */
public final class TpmCryptoException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation failed; each maps to one {@code TPM_RC}. */
  public enum Kind {
    /** A point is not on the curve or is the point at infinity: {@code TPM_RC_ECC_POINT}. */
    ECC_POINT,
    /**
     * The computation produced no usable result (e.g. point at infinity): {@code TPM_RC_NO_RESULT}.
     */
    NO_RESULT,
    /** A value is out of range or a padding check failed: {@code TPM_RC_VALUE}. */
    VALUE,
    /** An input has the wrong size (e.g. CBC data not a block multiple): {@code TPM_RC_SIZE}. */
    SIZE,
    /**
     * Key material is inconsistent (e.g. the prime does not divide the modulus): {@code
     * TPM_RC_BINDING}.
     */
    BINDING,
    /** A parameter such as the RSA public exponent is not acceptable: {@code TPM_RC_RANGE}. */
    RANGE,
    /** An integrity check (outer or inner HMAC/digest) failed: {@code TPM_RC_INTEGRITY}. */
    INTEGRITY,
    /** The digest or scheme does not fit the key (e.g. digest too large): {@code TPM_RC_SCHEME}. */
    SCHEME
  }

  private final Kind kind;

  public TpmCryptoException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public TpmCryptoException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Why the operation failed. */
  public Kind kind() {
    return kind;
  }
}
