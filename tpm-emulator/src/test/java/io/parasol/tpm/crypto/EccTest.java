package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

class EccTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();

  // RFC 6979 A.2.5: the P-256 key, and the ECDSA signature with SHA-256 of "sample".
  private static final BigInteger RFC6979_D =
      new BigInteger("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16);
  private static final BigInteger RFC6979_UX =
      new BigInteger("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6", 16);
  private static final BigInteger RFC6979_UY =
      new BigInteger("7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299", 16);

  @Test
  void rfc6979PublicKeyAndSignatureVerify() throws TpmCryptoException {
    EccKeyPair key = Ecc.fromPrivate(EccCurve.NIST_P256, RFC6979_D);
    assertEquals(RFC6979_UX, key.publicPoint().x());
    assertEquals(RFC6979_UY, key.publicPoint().y());
    byte[] digest = HashAlgorithm.SHA256.digest("sample".getBytes());
    EcdsaSignature sig =
        EcdsaSignature.of(
            EccCurve.NIST_P256,
            HEX.parseHex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"),
            HEX.parseHex("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"));
    assertTrue(Ecc.verify(key.publicPoint(), digest, sig));
    digest[31] ^= 1;
    assertFalse(Ecc.verify(key.publicPoint(), digest, sig));
  }

  private static ECParameterSpec jdkParams(EccCurve curve) throws Exception {
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec(curve == EccCurve.NIST_P256 ? "secp256r1" : "secp384r1"));
    return p.getParameterSpec(ECParameterSpec.class);
  }

  private static PublicKey jdkPublic(EccPoint q) throws Exception {
    return KeyFactory.getInstance("EC")
        .generatePublic(
            new ECPublicKeySpec(
                new java.security.spec.ECPoint(q.x(), q.y()), jdkParams(q.curve())));
  }

  private static PrivateKey jdkPrivate(EccKeyPair k) throws Exception {
    return KeyFactory.getInstance("EC")
        .generatePrivate(new ECPrivateKeySpec(k.privateScalar(), jdkParams(k.curve())));
  }

  @Test
  void domainParametersMatchTheJdk() throws Exception {
    for (EccCurve curve : EccCurve.values()) {
      ECParameterSpec jdk = jdkParams(curve);
      assertEquals(((java.security.spec.ECFieldFp) jdk.getCurve().getField()).getP(), curve.p());
      assertEquals(jdk.getCurve().getA(), curve.a());
      assertEquals(jdk.getCurve().getB(), curve.b());
      assertEquals(jdk.getGenerator().getAffineX(), curve.gX());
      assertEquals(jdk.getGenerator().getAffineY(), curve.gY());
      assertEquals(jdk.getOrder(), curve.n());
      assertEquals(BigInteger.ONE, curve.h());
      assertEquals(curve, EccCurve.fromCurveId(curve.curveId()).orElseThrow());
    }
    // SP 800-186 3.2.1.3: the P-256 prime and order
    assertEquals(
        new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16),
        EccCurve.NIST_P256.p());
    assertEquals(
        new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16),
        EccCurve.NIST_P256.n());
    assertEquals(0x0003, EccCurve.NIST_P256.curveId());
    assertEquals(48, EccCurve.NIST_P384.byteLength());
  }

  @Test
  void signaturesInteroperateWithTheJdk() throws Exception {
    for (EccCurve curve : EccCurve.values()) {
      EccKeyPair key = Ecc.generateKeyPair(curve, RANDOM);
      HashAlgorithm hash =
          curve == EccCurve.NIST_P256 ? HashAlgorithm.SHA256 : HashAlgorithm.SHA384;
      byte[] digest = hash.digest("quote".getBytes());
      EcdsaSignature ours = Ecc.sign(key, digest, RANDOM);
      assertEquals(curve.byteLength(), ours.rBytes().length);
      assertTrue(Ecc.verify(key.publicPoint(), digest, ours));

      Signature verifier = Signature.getInstance("NONEwithECDSAinP1363Format");
      verifier.initVerify(jdkPublic(key.publicPoint()));
      verifier.update(digest);
      byte[] p1363 = new byte[2 * curve.byteLength()];
      System.arraycopy(ours.rBytes(), 0, p1363, 0, curve.byteLength());
      System.arraycopy(ours.sBytes(), 0, p1363, curve.byteLength(), curve.byteLength());
      assertTrue(verifier.verify(p1363), curve.name());

      Signature signer = Signature.getInstance("NONEwithECDSAinP1363Format");
      signer.initSign(jdkPrivate(key));
      signer.update(digest);
      byte[] theirs = signer.sign();
      EcdsaSignature parsed =
          EcdsaSignature.of(
              curve,
              Arrays.copyOf(theirs, curve.byteLength()),
              Arrays.copyOfRange(theirs, curve.byteLength(), theirs.length));
      assertTrue(Ecc.verify(key.publicPoint(), digest, parsed));
      assertFalse(
          Ecc.verify(key.publicPoint(), digest, new EcdsaSignature(curve, parsed.r(), curve.n())));
      assertFalse(
          Ecc.verify(
              key.publicPoint(), digest, new EcdsaSignature(curve, BigInteger.ZERO, parsed.s())));
    }
  }

  @Test
  void longerDigestsAreTruncatedToTheOrder() throws Exception {
    EccKeyPair key = Ecc.generateKeyPair(EccCurve.NIST_P256, RANDOM);
    byte[] digest = HashAlgorithm.SHA512.digest("x".getBytes());
    EcdsaSignature sig = Ecc.sign(key, digest, RANDOM);
    assertTrue(Ecc.verify(key.publicPoint(), Arrays.copyOf(digest, 32), sig));
  }

  @Test
  void ecdhProductsAgreeAndMatchTheJdk() throws Exception {
    for (EccCurve curve : EccCurve.values()) {
      EccKeyPair alice = Ecc.generateKeyPair(curve, RANDOM);
      EccKeyPair bob = Ecc.generateKeyPair(curve, RANDOM);
      EccPoint z1 = Ecc.multiply(alice.privateScalar(), bob.publicPoint());
      EccPoint z2 = Ecc.multiply(bob.privateScalar(), alice.publicPoint());
      assertEquals(z1, z2);
      assertTrue(Ecc.isValid(z1));
      KeyAgreement ka = KeyAgreement.getInstance("ECDH");
      ka.init(jdkPrivate(alice));
      ka.doPhase(jdkPublic(bob.publicPoint()), true);
      assertArrayEquals(ka.generateSecret(), z1.xBytes());

      Ecc.Ephemeral e = Ecc.ephemeral(bob.publicPoint(), RANDOM);
      assertEquals(e.sharedPoint(), Ecc.multiply(bob.privateScalar(), e.publicPoint()));
    }
  }

  @Test
  void invalidPointsAreRejectedAsEccPoint() {
    EccKeyPair key = Ecc.generateKeyPair(EccCurve.NIST_P256, RANDOM);
    EccPoint q = key.publicPoint();
    EccPoint offCurve = new EccPoint(q.curve(), q.x(), q.y().add(BigInteger.ONE));
    EccPoint outOfField = new EccPoint(q.curve(), q.x().add(q.curve().p()), q.y());
    EccPoint origin = new EccPoint(q.curve(), BigInteger.ZERO, BigInteger.ZERO);
    // the P-384 generator's coordinates are no P-256 point
    EccPoint otherCurve =
        new EccPoint(
            EccCurve.NIST_P256,
            EccCurve.NIST_P384.gX().mod(EccCurve.NIST_P256.p()),
            EccCurve.NIST_P384.gY().mod(EccCurve.NIST_P256.p()));
    for (EccPoint bad : new EccPoint[] {offCurve, outOfField, origin, otherCurve}) {
      TpmCryptoException e = assertThrows(TpmCryptoException.class, () -> Ecc.validate(bad));
      assertEquals(TpmCryptoException.Kind.ECC_POINT, e.kind());
      e = assertThrows(TpmCryptoException.class, () -> Ecc.multiply(key.privateScalar(), bad));
      assertEquals(TpmCryptoException.Kind.ECC_POINT, e.kind());
      assertThrows(TpmCryptoException.class, () -> Ecc.ephemeral(bad, RANDOM));
      assertFalse(Ecc.isValid(bad));
      assertFalse(
          Ecc.verify(
              bad, new byte[32], new EcdsaSignature(bad.curve(), BigInteger.ONE, BigInteger.ONE)));
    }
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () -> Ecc.validate(EccCurve.NIST_P256, q.xBytes(), new byte[32]));
    assertEquals(TpmCryptoException.Kind.ECC_POINT, e.kind());
  }

  @Test
  void privateScalarsOutOfRangeAreRejected() {
    for (BigInteger d :
        new BigInteger[] {BigInteger.ZERO, EccCurve.NIST_P256.n(), BigInteger.ONE.negate()}) {
      TpmCryptoException e =
          assertThrows(TpmCryptoException.class, () -> Ecc.fromPrivate(EccCurve.NIST_P256, d));
      assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
    }
  }

  @Test
  void seededKeysAreDeterministic() throws TpmCryptoException {
    byte[] seed = HEX.parseHex("0f0e0d0c0b0a09080706050403020100" + "00".repeat(16));
    byte[] name = HEX.parseHex("000b" + "22".repeat(32));
    for (EccCurve curve : EccCurve.values()) {
      EccKeyPair a =
          Ecc.generateKeyPair(
              curve,
              CtrDrbg.fromSeed(
                  HashAlgorithm.SHA256, seed, CtrDrbg.PRIMARY_OBJECT_CREATION, name, null));
      EccKeyPair b =
          Ecc.generateKeyPair(
              curve,
              CtrDrbg.fromSeed(
                  HashAlgorithm.SHA256, seed, CtrDrbg.PRIMARY_OBJECT_CREATION, name, null));
      EccKeyPair c =
          Ecc.generateKeyPair(
              curve,
              CtrDrbg.fromSeed(
                  HashAlgorithm.SHA256,
                  seed,
                  CtrDrbg.PRIMARY_OBJECT_CREATION,
                  name,
                  new byte[] {1}));
      assertEquals(a, b);
      assertNotEquals(a.privateScalar(), c.privateScalar());
      assertEquals(a, Ecc.fromPrivate(curve, a.privateScalar()));
      assertEquals(curve.byteLength(), a.privateBytes().length);
      assertFalse(a.toString().contains(a.privateScalar().toString(16)));
    }
  }
}
