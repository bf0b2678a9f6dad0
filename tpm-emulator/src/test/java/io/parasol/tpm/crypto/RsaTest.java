package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RSA: key generation (random and seeded), and every scheme checked against the JDK's independent
 * implementation in both directions.
 */
class RsaTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] MESSAGE = "a message to be signed by the vTPM".getBytes();

  private static RsaPrivateKey key;
  private static PrivateKey jdkPrivate;
  private static PublicKey jdkPublic;

  @BeforeAll
  static void generate() throws Exception {
    key = Rsa.generateKey(2048, 0, TpmRandom.create().secureRandom());
    KeyFactory kf = KeyFactory.getInstance("RSA");
    jdkPublic = kf.generatePublic(new RSAPublicKeySpec(key.modulus(), key.publicKey().exponent()));
    jdkPrivate =
        kf.generatePrivate(
            new RSAPrivateCrtKeySpec(
                key.modulus(),
                key.publicKey().exponent(),
                key.d(),
                key.p(),
                key.q(),
                key.dP(),
                key.dQ(),
                key.qInv()));
  }

  private static void assertWellFormed(RsaPrivateKey k, int bits) {
    BigInteger one = BigInteger.ONE;
    assertEquals(bits, k.publicKey().bits());
    assertEquals(k.modulus(), k.p().multiply(k.q()));
    assertTrue(k.p().isProbablePrime(100));
    assertTrue(k.q().isProbablePrime(100));
    assertEquals(bits / 2, k.p().bitLength());
    assertEquals(bits / 2, k.q().bitLength());
    BigInteger lambda =
        k.p()
            .subtract(one)
            .multiply(k.q().subtract(one))
            .divide(k.p().subtract(one).gcd(k.q().subtract(one)));
    assertEquals(one, k.publicKey().exponent().multiply(k.d()).mod(lambda));
    assertEquals(one, k.q().multiply(k.qInv()).mod(k.p()));
    assertTrue(k.d().bitLength() > bits / 2);
  }

  @Test
  void generatedKeyIsWellFormed() {
    assertWellFormed(key, 2048);
    assertEquals(BigInteger.valueOf(65537), key.publicKey().exponent());
  }

  @Test
  void seededGenerationIsDeterministic() throws TpmCryptoException {
    byte[] seed =
        HexFormat.of().parseHex("5d9a6b0d8fd4e7e2a1c0b6e7c18e7b3fa8e33f9e42c56b0fd1d2e3f4a5b6c7d8");
    byte[] name = HexFormat.of().parseHex("000b" + "11".repeat(32));
    RsaPrivateKey a =
        Rsa.generateKey(
            2048,
            0,
            CtrDrbg.fromSeed(
                HashAlgorithm.SHA256, seed, CtrDrbg.PRIMARY_OBJECT_CREATION, name, null));
    RsaPrivateKey b =
        Rsa.generateKey(
            2048,
            0,
            CtrDrbg.fromSeed(
                HashAlgorithm.SHA256, seed, CtrDrbg.PRIMARY_OBJECT_CREATION, name, null));
    RsaPrivateKey other =
        Rsa.generateKey(
            2048, 0, CtrDrbg.fromSeed(HashAlgorithm.SHA256, seed, "another label", name, null));
    assertWellFormed(a, 2048);
    assertEquals(a, b);
    assertNotEquals(a.modulus(), other.modulus());
  }

  @Test
  void generates3072BitKeysWithAGivenExponent() throws TpmCryptoException {
    RsaPrivateKey k = Rsa.generateKey(3072, 3, RANDOM);
    assertWellFormed(k, 3072);
    assertEquals(BigInteger.valueOf(3), k.publicKey().exponent());
  }

  @Test
  void rejectsExponentsThatAreNotOddPrimes() {
    for (long e : new long[] {1, 2, 4, 65535, 65536, 1L << 32, -3}) {
      TpmCryptoException ex =
          assertThrows(TpmCryptoException.class, () -> Rsa.generateKey(2048, e, RANDOM), "e=" + e);
      assertEquals(TpmCryptoException.Kind.RANGE, ex.kind());
    }
  }

  @Test
  void rebuildsThePrivateKeyFromOnePrime() throws TpmCryptoException {
    RsaPrivateKey rebuilt =
        RsaPrivateKey.fromPrime(key.publicKey(), new BigInteger(1, key.primeBytes()));
    assertEquals(key, rebuilt);
    RsaPrivateKey fromQ = RsaPrivateKey.fromPrime(key.publicKey(), key.q());
    assertArrayEquals(
        Rsa.rawDecrypt(key, Rsa.rawEncrypt(key.publicKey(), MESSAGE)),
        Rsa.rawDecrypt(fromQ, Rsa.rawEncrypt(key.publicKey(), MESSAGE)));
    for (BigInteger wrong :
        new BigInteger[] {key.p().add(BigInteger.TWO), BigInteger.ONE, key.modulus()}) {
      TpmCryptoException e =
          assertThrows(
              TpmCryptoException.class, () -> RsaPrivateKey.fromPrime(key.publicKey(), wrong));
      assertEquals(TpmCryptoException.Kind.BINDING, e.kind());
    }
  }

  @Test
  void pkcs1SignaturesInteroperateWithTheJdk() throws Exception {
    for (HashAlgorithm hash : HashAlgorithm.values()) {
      String jca =
          "SHA" + (hash == HashAlgorithm.SHA1 ? "1" : hash.name().substring(3)) + "withRSA";
      byte[] digest = hash.digest(MESSAGE);
      byte[] ours = Rsa.ssaSign(key, hash, digest);
      Signature verifier = Signature.getInstance(jca);
      verifier.initVerify(jdkPublic);
      verifier.update(MESSAGE);
      assertTrue(verifier.verify(ours), jca);

      Signature signer = Signature.getInstance(jca);
      signer.initSign(jdkPrivate);
      signer.update(MESSAGE);
      byte[] theirs = signer.sign();
      // PKCS#1 v1.5 signatures are deterministic
      assertArrayEquals(theirs, ours, jca);
      assertTrue(Rsa.ssaVerify(key.publicKey(), hash, digest, theirs));
      digest[0] ^= 1;
      assertFalse(Rsa.ssaVerify(key.publicKey(), hash, digest, theirs));
    }
  }

  @Test
  void pssSignaturesInteroperateWithTheJdk() throws Exception {
    for (HashAlgorithm hash : HashAlgorithm.values()) {
      String md = hash == HashAlgorithm.SHA1 ? "SHA-1" : "SHA-" + hash.name().substring(3);
      byte[] digest = hash.digest(MESSAGE);
      byte[] ours = Rsa.pssSign(key, hash, digest, RANDOM);
      Signature verifier = Signature.getInstance("RSASSA-PSS");
      verifier.setParameter(
          new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md), hash.digestSize(), 1));
      verifier.initVerify(jdkPublic);
      verifier.update(MESSAGE);
      assertTrue(verifier.verify(ours), md + " with a digest-sized salt");

      // A TPM accepts any salt length when verifying.
      for (int saltLength : new int[] {0, 20, hash.digestSize()}) {
        Signature signer = Signature.getInstance("RSASSA-PSS");
        signer.setParameter(
            new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md), saltLength, 1));
        signer.initSign(jdkPrivate);
        signer.update(MESSAGE);
        byte[] theirs = signer.sign();
        assertTrue(
            Rsa.pssVerify(key.publicKey(), hash, digest, theirs), md + " salt " + saltLength);
        theirs[100] ^= 0x40;
        assertFalse(Rsa.pssVerify(key.publicKey(), hash, digest, theirs));
      }
    }
  }

  @Test
  void signaturesRejectWrongDigestSizes() {
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class, () -> Rsa.ssaSign(key, HashAlgorithm.SHA256, new byte[20]));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> Rsa.pssSign(key, HashAlgorithm.SHA384, new byte[32], RANDOM));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
    assertFalse(Rsa.ssaVerify(key.publicKey(), HashAlgorithm.SHA256, new byte[32], new byte[10]));
  }

  private static Cipher jdkOaep(int mode, HashAlgorithm hash, byte[] label, java.security.Key k)
      throws Exception {
    String md = hash == HashAlgorithm.SHA1 ? "SHA-1" : "SHA-" + hash.name().substring(3);
    Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
    c.init(
        mode,
        k,
        new OAEPParameterSpec(
            md, "MGF1", new MGF1ParameterSpec(md), new PSource.PSpecified(label)));
    return c;
  }

  @Test
  void oaepWithALabelInteroperatesWithTheJdk() throws Exception {
    byte[] label = Rsa.label("SECRET");
    assertArrayEquals("SECRET\0".getBytes(), label);
    byte[] seed = new byte[32];
    RANDOM.nextBytes(seed);
    for (HashAlgorithm hash : HashAlgorithm.values()) {
      byte[] ours = Rsa.oaepEncrypt(key.publicKey(), hash, label, seed, RANDOM);
      assertEquals(256, ours.length);
      assertArrayEquals(seed, jdkOaep(Cipher.DECRYPT_MODE, hash, label, jdkPrivate).doFinal(ours));
      byte[] theirs = jdkOaep(Cipher.ENCRYPT_MODE, hash, label, jdkPublic).doFinal(seed);
      assertArrayEquals(seed, Rsa.oaepDecrypt(key, hash, label, theirs));
      TpmCryptoException e =
          assertThrows(
              TpmCryptoException.class,
              () -> Rsa.oaepDecrypt(key, hash, Rsa.label("DUPLICATE"), theirs));
      assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
    }
    byte[] empty =
        Rsa.oaepEncrypt(key.publicKey(), HashAlgorithm.SHA256, null, new byte[0], RANDOM);
    assertEquals(0, Rsa.oaepDecrypt(key, HashAlgorithm.SHA256, new byte[0], empty).length);
  }

  @Test
  void oaepRejectsOverlongMessagesAndBadCiphertexts() {
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () ->
                Rsa.oaepEncrypt(
                    key.publicKey(), HashAlgorithm.SHA256, null, new byte[256 - 65], RANDOM));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> Rsa.oaepDecrypt(key, HashAlgorithm.SHA256, null, new byte[255]));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
    byte[] tooBig = new byte[256];
    java.util.Arrays.fill(tooBig, (byte) 0xFF);
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> Rsa.oaepDecrypt(key, HashAlgorithm.SHA256, null, tooBig));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
  }

  @Test
  void pkcs1EncryptionInteroperatesWithTheJdk() throws Exception {
    byte[] ours = Rsa.pkcs1Encrypt(key.publicKey(), MESSAGE, RANDOM);
    Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
    c.init(Cipher.DECRYPT_MODE, jdkPrivate);
    assertArrayEquals(MESSAGE, c.doFinal(ours));
    c.init(Cipher.ENCRYPT_MODE, jdkPublic);
    assertArrayEquals(MESSAGE, Rsa.pkcs1Decrypt(key, c.doFinal(MESSAGE)));
    // an OAEP block is not a PKCS#1 v1.5 block
    byte[] oaep = Rsa.oaepEncrypt(key.publicKey(), HashAlgorithm.SHA256, null, MESSAGE, RANDOM);
    TpmCryptoException e =
        assertThrows(TpmCryptoException.class, () -> Rsa.pkcs1Decrypt(key, oaep));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
  }

  @Test
  void rawRsaRoundTripsAndChecksRange() throws Exception {
    byte[] c = Rsa.rawEncrypt(key.publicKey(), MESSAGE);
    assertEquals(256, c.length);
    byte[] m = Rsa.rawDecrypt(key, c);
    assertEquals(256, m.length);
    assertEquals(new BigInteger(1, MESSAGE), new BigInteger(1, m));
    Cipher jdk = Cipher.getInstance("RSA/ECB/NoPadding");
    jdk.init(Cipher.DECRYPT_MODE, jdkPrivate);
    assertArrayEquals(jdk.doFinal(c), m);
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () -> Rsa.rawEncrypt(key.publicKey(), key.publicKey().modulusBytes()));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
    e = assertThrows(TpmCryptoException.class, () -> Rsa.rawDecrypt(key, new byte[257]));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
  }

  @Test
  void publicKeyFromAPublicArea() throws TpmCryptoException {
    RsaPublicKey pub = RsaPublicKey.of(key.publicKey().modulusBytes(), 0);
    assertEquals(key.publicKey(), pub);
    TpmCryptoException e =
        assertThrows(TpmCryptoException.class, () -> RsaPublicKey.of(new byte[256], 0));
    assertEquals(TpmCryptoException.Kind.VALUE, e.kind());
    assertTrue(key.toString().indexOf(key.d().toString(16)) < 0);
  }
}
