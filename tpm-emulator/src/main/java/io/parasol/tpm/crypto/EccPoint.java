package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An affine point on one of the TPM's curves ({@code TPMS_ECC_POINT}, TPM 2.0 Part 2, 11.2.5.2): a
 * public key, an ephemeral key or an ECDH product. Construction does not check that the point is on
 * the curve: points from outside pass through {@link Ecc#validate} first.
 *
 * @param curve the curve
 * @param x the x-coordinate, 0 &lt;= x &lt; p
 * @param y the y-coordinate, 0 &lt;= y &lt; p
 */
public record EccPoint(EccCurve curve, BigInteger x, BigInteger y) {
  public EccPoint {
    Objects.requireNonNull(curve, "curve");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
  }

  /** The x-coordinate, big-endian, exactly the curve's {@link EccCurve#byteLength()}. */
  public byte[] xBytes() {
    return BigIntegers.toFixed(x, curve.byteLength());
  }

  /** The y-coordinate, big-endian, exactly the curve's {@link EccCurve#byteLength()}. */
  public byte[] yBytes() {
    return BigIntegers.toFixed(y, curve.byteLength());
  }
}
