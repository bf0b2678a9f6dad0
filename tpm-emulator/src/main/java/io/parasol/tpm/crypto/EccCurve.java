package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * The elliptic curves this TPM implements, by {@code TPM_ECC_CURVE} (TPM 2.0 Part 2, 6.4), with the
 * domain parameters {@code TPM2_ECC_Parameters} reports ({@code TPMS_ALGORITHM_DETAIL_ECC}, Part 2,
 * 12.2.4.7; values from NIST SP 800-186 3.2.1).
 *
 * <p>Arithmetic uses Bouncy Castle's specialised implementations of these curves.
 */
public enum EccCurve {
  NIST_P256(0x0003, 256, "P-256"),
  NIST_P384(0x0004, 384, "P-384");

  private final int curveId;
  private final int keyBits;
  private final ECDomainParameters domain;

  EccCurve(int curveId, int keyBits, String name) {
    this.curveId = curveId;
    this.keyBits = keyBits;
    X9ECParameters x9 = CustomNamedCurves.getByName(name);
    this.domain = new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH());
  }

  /** The {@code TPM_ECC_CURVE} identifier. */
  public int curveId() {
    return curveId;
  }

  /** The key size in bits ({@code keySize} of the parameters). */
  public int keyBits() {
    return keyBits;
  }

  /** The size in bytes of a coordinate, a scalar and each half of an ECDSA signature. */
  public int byteLength() {
    return (keyBits + 7) / 8;
  }

  /** The field prime p. */
  public BigInteger p() {
    return domain.getCurve().getField().getCharacteristic();
  }

  /** The coefficient a (p - 3 for the NIST curves). */
  public BigInteger a() {
    return domain.getCurve().getA().toBigInteger();
  }

  /** The coefficient b. */
  public BigInteger b() {
    return domain.getCurve().getB().toBigInteger();
  }

  /** The x-coordinate of the base point G. */
  public BigInteger gX() {
    return domain.getG().getAffineXCoord().toBigInteger();
  }

  /** The y-coordinate of the base point G. */
  public BigInteger gY() {
    return domain.getG().getAffineYCoord().toBigInteger();
  }

  /** The order n of G. */
  public BigInteger n() {
    return domain.getN();
  }

  /** The cofactor h. */
  public BigInteger h() {
    return domain.getH();
  }

  /** The curve with this {@code TPM_ECC_CURVE}, if implemented. */
  public static Optional<EccCurve> fromCurveId(int curveId) {
    for (EccCurve c : values()) {
      if (c.curveId == curveId) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The Bouncy Castle domain. */
  ECDomainParameters domain() {
    return domain;
  }
}
