package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An ECDSA signature ({@code TPMS_SIGNATURE_ECDSA}, TPM 2.0 Part 2, 11.3.5): the integers r and s,
 * which the TPM marshals big-endian at the size of the curve's order.
 */
public record EcdsaSignature(EccCurve curve, BigInteger r, BigInteger s) {
  public EcdsaSignature {
    Objects.requireNonNull(curve, "curve");
    Objects.requireNonNull(r, "r");
    Objects.requireNonNull(s, "s");
  }

  /** The signature from its marshalled halves (any length; leading zeros are ignored). */
  public static EcdsaSignature of(EccCurve curve, byte[] r, byte[] s) {
    return new EcdsaSignature(curve, new BigInteger(1, r), new BigInteger(1, s));
  }

  /** r, big-endian, exactly the curve's {@link EccCurve#byteLength()}. */
  public byte[] rBytes() {
    return BigIntegers.toFixed(r, curve.byteLength());
  }

  /** s, big-endian, exactly the curve's {@link EccCurve#byteLength()}. */
  public byte[] sBytes() {
    return BigIntegers.toFixed(s, curve.byteLength());
  }
}
