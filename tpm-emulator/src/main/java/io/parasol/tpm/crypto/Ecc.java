package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Elliptic-curve cryptography for the TPM (TPM 2.0 Part 1, Annex C): key generation, public point
 * validation, ECDSA over a digest, and the ECDH primitives behind {@code TPM2_ECDH_KeyGen} and
 * {@code TPM2_ECDH_ZGen} (Part 3, 14.4 and 14.5), which return the whole product point.
 *
 * <p>Every point that comes from outside the TPM (a loaded public area, a ZGen input, an encrypted
 * seed) must pass {@link #validate}: an invalid point is a {@code TpmCryptoException} of kind
 * {@code ECC_POINT} ({@code TPM_RC_ECC_POINT}). The NIST curves have cofactor 1, so a point on the
 * curve other than infinity is in the prime-order group.
 */
public final class Ecc {
  private Ecc() {}

  /**
   * Generates a key pair with the method of FIPS 186-5 A.2.1 ("extra random bits", also the
   * reference implementation's {@code BnEccGetPrivate}): c is 64 bits longer than n, and d = (c mod
   * (n - 1)) + 1. With a {@link CtrDrbg} as {@code random} the key is a deterministic function of
   * the DRBG's seed (primary objects: exactly one draw of {@code byteLength + 8} bytes).
   */
  public static EccKeyPair generateKeyPair(EccCurve curve, SecureRandom random) {
    Objects.requireNonNull(curve, "curve");
    byte[] c = new byte[curve.byteLength() + 8];
    random.nextBytes(c);
    BigInteger d = new BigInteger(1, c).mod(curve.n().subtract(BigInteger.ONE)).add(BigInteger.ONE);
    return new EccKeyPair(d, publicPoint(curve, d));
  }

  /**
   * The key pair of a private scalar from a sensitive area.
   *
   * @throws TpmCryptoException {@code VALUE} unless 1 &lt;= d &lt; n
   */
  public static EccKeyPair fromPrivate(EccCurve curve, BigInteger d) throws TpmCryptoException {
    if (d.signum() <= 0 || d.compareTo(curve.n()) >= 0) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.VALUE, "the ECC private key is not in [1, n-1]");
    }
    return new EccKeyPair(d, publicPoint(curve, d));
  }

  /** Q = d·G. */
  private static EccPoint publicPoint(EccCurve curve, BigInteger d) {
    ECPoint q = new FixedPointCombMultiplier().multiply(curve.domain().getG(), d).normalize();
    return toPoint(curve, q);
  }

  /**
   * The point (x, y) after the checks of SP 800-56A rev. 3, 5.6.2.3.4 (partial public-key
   * validation): coordinates in [0, p-1] and on the curve (then not infinity, which has no affine
   * coordinates).
   *
   * @throws TpmCryptoException {@code ECC_POINT} otherwise
   */
  public static EccPoint validate(EccCurve curve, byte[] x, byte[] y) throws TpmCryptoException {
    return validate(new EccPoint(curve, new BigInteger(1, x), new BigInteger(1, y)));
  }

  /** {@code point} after the checks of {@link #validate(EccCurve, byte[], byte[])}. */
  public static EccPoint validate(EccPoint point) throws TpmCryptoException {
    toBc(point);
    return point;
  }

  /** Whether {@code point} is a valid point of its curve. */
  public static boolean isValid(EccPoint point) {
    try {
      toBc(point);
      return true;
    } catch (TpmCryptoException e) {
      return false;
    }
  }

  /**
   * ECDSA signature (FIPS 186-5 6.4.1) of {@code digest} with a random nonce. A digest longer than
   * the order is truncated to its leftmost bits, as the standard prescribes.
   */
  public static EcdsaSignature sign(EccKeyPair key, byte[] digest, SecureRandom random) {
    Objects.requireNonNull(digest, "digest");
    EccCurve curve = key.curve();
    ECDSASigner signer = new ECDSASigner();
    signer.init(
        true,
        new ParametersWithRandom(
            new ECPrivateKeyParameters(key.privateScalar(), curve.domain()), random));
    BigInteger[] rs = signer.generateSignature(digest);
    return new EcdsaSignature(curve, rs[0], rs[1]);
  }

  /**
   * Whether {@code signature} is a valid ECDSA signature of {@code digest} under {@code publicKey}
   * (FIPS 186-5 6.4.2). An invalid public point or r, s outside [1, n-1] fail.
   */
  public static boolean verify(EccPoint publicKey, byte[] digest, EcdsaSignature signature) {
    EccCurve curve = publicKey.curve();
    if (signature.curve() != curve) {
      return false;
    }
    ECPoint q;
    try {
      q = toBc(publicKey);
    } catch (TpmCryptoException e) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, curve.domain()));
    return verifier.verifySignature(digest, signature.r(), signature.s());
  }

  /**
   * The ECDH product d·P ({@code TPM2_ECDH_ZGen}; the "Z" of SP 800-56A 5.7.1.2 is its
   * x-coordinate).
   *
   * @throws TpmCryptoException {@code ECC_POINT} if P is not a valid point of the key's curve,
   *     {@code NO_RESULT} if the product is the point at infinity
   */
  public static EccPoint multiply(BigInteger d, EccPoint point) throws TpmCryptoException {
    ECPoint p = toBc(point);
    ECPoint z = p.multiply(d).normalize();
    if (z.isInfinity()) {
      throw new TpmCryptoException(TpmCryptoException.Kind.NO_RESULT, "ECDH product is infinity");
    }
    return toPoint(point.curve(), z);
  }

  /** An ephemeral key and its ECDH product with another party's public key. */
  public record Ephemeral(EccKeyPair key, EccPoint sharedPoint) {
    /** The ephemeral public point, to send to the other party ({@code pubPoint}/{@code QeU}). */
    public EccPoint publicPoint() {
      return key.publicPoint();
    }
  }

  /**
   * A fresh ephemeral key on the curve of {@code otherPublic} and the product with it ({@code
   * TPM2_ECDH_KeyGen}: returns zPoint and pubPoint).
   *
   * @throws TpmCryptoException {@code ECC_POINT} if {@code otherPublic} is not valid
   */
  public static Ephemeral ephemeral(EccPoint otherPublic, SecureRandom random)
      throws TpmCryptoException {
    validate(otherPublic);
    EccKeyPair key = generateKeyPair(otherPublic.curve(), random);
    return new Ephemeral(key, multiply(key.privateScalar(), otherPublic));
  }

  private static ECPoint toBc(EccPoint point) throws TpmCryptoException {
    EccCurve curve = point.curve();
    BigInteger p = curve.p();
    if (point.x().signum() < 0
        || point.y().signum() < 0
        || point.x().compareTo(p) >= 0
        || point.y().compareTo(p) >= 0) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.ECC_POINT, "coordinate not below the field prime");
    }
    try {
      // validatePoint checks the curve equation (and the order, trivially for cofactor 1)
      return curve.domain().getCurve().validatePoint(point.x(), point.y());
    } catch (IllegalArgumentException e) {
      throw new TpmCryptoException(TpmCryptoException.Kind.ECC_POINT, "point not on " + curve, e);
    }
  }

  private static EccPoint toPoint(EccCurve curve, ECPoint q) {
    return new EccPoint(
        curve, q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
  }
}
