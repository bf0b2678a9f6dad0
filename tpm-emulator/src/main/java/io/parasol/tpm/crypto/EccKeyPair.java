package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An ECC key pair: the private scalar d ({@code TPM2B_ECC_PARAMETER} of the sensitive area) and the
 * public point Q = d·G ({@code unique.ecc} of the public area). {@link #toString()} does not reveal
 * d.
 *
 * @param privateScalar d, 1 &lt;= d &lt; n
 * @param publicPoint Q = d·G
 */
public record EccKeyPair(BigInteger privateScalar, EccPoint publicPoint) {
  public EccKeyPair {
    Objects.requireNonNull(privateScalar, "privateScalar");
    Objects.requireNonNull(publicPoint, "publicPoint");
  }

  /** The curve. */
  public EccCurve curve() {
    return publicPoint.curve();
  }

  /** d, big-endian, exactly the curve's {@link EccCurve#byteLength()}. */
  public byte[] privateBytes() {
    return BigIntegers.toFixed(privateScalar, curve().byteLength());
  }

  @Override
  public String toString() {
    return "EccKeyPair["
        + curve()
        + ", Q=("
        + publicPoint.x().toString(16)
        + ", "
        + publicPoint.y().toString(16)
        + ")]";
  }
}
