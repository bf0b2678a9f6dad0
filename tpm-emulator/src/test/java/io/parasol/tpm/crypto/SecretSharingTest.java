package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecretSharingTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static RsaPrivateKey rsa;

  @BeforeAll
  static void keys() throws TpmCryptoException {
    rsa = Rsa.generateKey(2048, 0, RANDOM);
  }

  @Test
  void rsaSeedRoundTrips() throws TpmCryptoException {
    SecretSharing.RsaSecret s =
        SecretSharing.rsaCreate(
            rsa.publicKey(), HashAlgorithm.SHA256, SecretSharing.DUPLICATE, RANDOM);
    assertEquals(32, s.seed().length);
    assertEquals(256, s.encryptedSeed().length);
    assertArrayEquals(
        s.seed(),
        SecretSharing.rsaRecover(
            rsa, HashAlgorithm.SHA256, SecretSharing.DUPLICATE, s.encryptedSeed()));
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () ->
                SecretSharing.rsaRecover(
                    rsa, HashAlgorithm.SHA256, SecretSharing.IDENTITY, s.encryptedSeed()));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
  }

  /** A salt as tpm2-tss encrypts it: OAEP-SHA256 with the label "SECRET" and its 0x00. */
  @Test
  void rsaRecoversASaltEncryptedByAnotherImplementation() throws Exception {
    PublicKey pub =
        KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(rsa.modulus(), rsa.publicKey().exponent()));
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
    c.init(
        Cipher.ENCRYPT_MODE,
        pub,
        new OAEPParameterSpec(
            "SHA-256",
            "MGF1",
            MGF1ParameterSpec.SHA256,
            new PSource.PSpecified("SECRET\0".getBytes())));
    byte[] salt = new byte[32];
    RANDOM.nextBytes(salt);
    assertArrayEquals(
        salt,
        SecretSharing.rsaRecover(rsa, HashAlgorithm.SHA256, SecretSharing.SECRET, c.doFinal(salt)));
    // a "seed" longer than a digest is refused
    byte[] tooLong = c.doFinal(new byte[33]);
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () ->
                SecretSharing.rsaRecover(rsa, HashAlgorithm.SHA256, SecretSharing.SECRET, tooLong));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
  }

  @Test
  void eccSeedIsKdfeOfTheSharedSecret() throws TpmCryptoException {
    for (EccCurve curve : EccCurve.values()) {
      EccKeyPair ek = Ecc.generateKeyPair(curve, RANDOM);
      SecretSharing.EccSecret s =
          SecretSharing.eccCreate(
              ek.publicPoint(), HashAlgorithm.SHA256, SecretSharing.IDENTITY, RANDOM);
      byte[] recovered =
          SecretSharing.eccRecover(
              ek, HashAlgorithm.SHA256, SecretSharing.IDENTITY, s.ephemeralPoint());
      assertArrayEquals(s.seed(), recovered);
      // Part 1 C.6.4 by hand: Z = x(d·QeU), seed = KDFe(nameAlg, Z, label, x(QeU), x(QsV), 256)
      EccPoint z = Ecc.multiply(ek.privateScalar(), s.ephemeralPoint());
      byte[] expected =
          Kdf.kdfe(
              HashAlgorithm.SHA256,
              z.xBytes(),
              "IDENTITY",
              s.ephemeralPoint().xBytes(),
              ek.publicPoint().xBytes(),
              256);
      assertArrayEquals(expected, recovered);
    }
  }

  @Test
  void eccRejectsInvalidEphemeralPoints() {
    EccKeyPair ek = Ecc.generateKeyPair(EccCurve.NIST_P256, RANDOM);
    EccPoint bad =
        new EccPoint(
            EccCurve.NIST_P256, ek.publicPoint().x(), ek.publicPoint().y().add(BigInteger.TWO));
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () -> SecretSharing.eccRecover(ek, HashAlgorithm.SHA256, SecretSharing.SECRET, bad));
    assertEquals(TpmCryptoException.Kind.ECC_POINT, e.kind());
    EccPoint p384 = Ecc.generateKeyPair(EccCurve.NIST_P384, RANDOM).publicPoint();
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> SecretSharing.eccRecover(ek, HashAlgorithm.SHA256, SecretSharing.SECRET, p384));
    assertEquals(TpmCryptoException.Kind.ECC_POINT, e.kind());
  }
}
