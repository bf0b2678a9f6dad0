package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;

/**
 * RSA for the TPM (TPM 2.0 Part 1, Annex B; RFC 8017): key generation, the signature schemes
 * RSASSA-PKCS1-v1_5 and RSASSA-PSS over a digest (a TPM signs digests, not messages), and the
 * encryption schemes RSAES-OAEP (with a label), RSAES-PKCS1-v1_5 and raw RSA ({@code
 * TPM_ALG_NULL}).
 *
 * <p>Private-key operations use CRT with blinding (Bouncy Castle's {@code RSABlindedEngine}, which
 * also checks the result against the public key to defeat fault attacks). Sizes follow the
 * reference implementation: a digest must have its hash's size ({@code SIZE}), a ciphertext or
 * signature must be exactly the modulus size ({@code SIZE}), and a value not below the modulus is a
 * {@code VALUE} error.
 */
public final class Rsa {
  // Blinding values need not come from the TPM's RNG (they never leave this class).
  private static final SecureRandom BLINDING = new SecureRandom();

  private Rsa() {}

  // ------------------------------------------------------------------ key generation

  /**
   * Generates a key pair of {@code bits} bits. With a {@link CtrDrbg} as {@code random} the key is
   * a deterministic function of the DRBG's seed (primary objects); with {@link
   * TpmRandom#secureRandom()} an ordinary key.
   *
   * @param bits the key size: 1024, 2048, 3072 or 4096 (any multiple of 16 from 1024)
   * @param exponent the public exponent from the template; 0 means 65537
   * @throws TpmCryptoException {@code RANGE} if the exponent is not an odd prime below 2^32 greater
   *     than 2 (TPM 2.0 Part 2, 12.2.3.5)
   */
  public static RsaPrivateKey generateKey(int bits, long exponent, SecureRandom random)
      throws TpmCryptoException {
    BigInteger e = BigInteger.valueOf(exponent == 0 ? RsaPublicKey.DEFAULT_EXPONENT : exponent);
    if (exponent < 0
        || exponent > 0xFFFFFFFFL
        || e.compareTo(BigInteger.TWO) <= 0
        || !e.isProbablePrime(64)) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.RANGE, "the RSA exponent " + exponent + " is not an odd prime");
    }
    return RsaKeyGenerator.generate(bits, e, random);
  }

  // ------------------------------------------------------------------ raw RSA

  /** RSAEP (RFC 8017 5.1.1): m^e mod n, for {@code TPM2_RSA_Encrypt} with scheme NULL. */
  public static byte[] rawEncrypt(RsaPublicKey key, byte[] message) throws TpmCryptoException {
    int k = key.byteLength();
    if (message.length > k) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.VALUE, "message longer than the RSA modulus");
    }
    BigInteger m = new BigInteger(1, message);
    if (m.compareTo(key.modulus()) >= 0) {
      throw new TpmCryptoException(TpmCryptoException.Kind.VALUE, "message not below the modulus");
    }
    return BigIntegers.toFixed(m.modPow(key.exponent(), key.modulus()), k);
  }

  /**
   * RSADP (RFC 8017 5.1.2): c^d mod n, for {@code TPM2_RSA_Decrypt} with scheme NULL. The result is
   * the full modulus size.
   *
   * @throws TpmCryptoException {@code SIZE} if the ciphertext is not the modulus size, {@code
   *     VALUE} if it is not below the modulus
   */
  public static byte[] rawDecrypt(RsaPrivateKey key, byte[] ciphertext) throws TpmCryptoException {
    return privateOperation(key, checkedBlock(key.publicKey(), ciphertext));
  }

  // ------------------------------------------------------------------ encryption schemes

  /**
   * RSAES-OAEP encryption (RFC 8017 7.1.1) with MGF1 over the same hash.
   *
   * @param label the OAEP label, used as given (a TPM label carries its terminating 0x00: see
   *     {@link #label(String)}); empty or null for none
   * @throws TpmCryptoException {@code VALUE} if the message is too long for the key
   */
  public static byte[] oaepEncrypt(
      RsaPublicKey key, HashAlgorithm hash, byte[] label, byte[] message, SecureRandom random)
      throws TpmCryptoException {
    int max = key.byteLength() - 2 * hash.digestSize() - 2;
    if (message.length > max) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.VALUE, "OAEP message longer than " + Math.max(max, 0) + " bytes");
    }
    OAEPEncoding oaep = oaep(hash, label);
    oaep.init(true, new ParametersWithRandom(publicParameters(key), random));
    return process(oaep, message, key.byteLength());
  }

  /**
   * RSAES-OAEP decryption (RFC 8017 7.1.2).
   *
   * @throws TpmCryptoException {@code SIZE} if the ciphertext is not the modulus size, {@code
   *     VALUE} if it does not decrypt (wrong key, label or padding)
   */
  public static byte[] oaepDecrypt(
      RsaPrivateKey key, HashAlgorithm hash, byte[] label, byte[] ciphertext)
      throws TpmCryptoException {
    checkedBlock(key.publicKey(), ciphertext);
    if (key.publicKey().byteLength() < 2 * hash.digestSize() + 2) {
      throw new TpmCryptoException(TpmCryptoException.Kind.SCHEME, "key too small for OAEP");
    }
    OAEPEncoding oaep = oaep(hash, label);
    oaep.init(false, new ParametersWithRandom(privateParameters(key), BLINDING));
    return process(oaep, ciphertext, -1);
  }

  /** RSAES-PKCS1-v1_5 encryption (RFC 8017 7.2.1); the message is at most k - 11 bytes. */
  public static byte[] pkcs1Encrypt(RsaPublicKey key, byte[] message, SecureRandom random)
      throws TpmCryptoException {
    if (message.length > key.byteLength() - 11) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.VALUE, "PKCS#1 message longer than the key allows");
    }
    PKCS1Encoding pkcs1 = new PKCS1Encoding(new RSABlindedEngine());
    pkcs1.init(true, new ParametersWithRandom(publicParameters(key), random));
    return process(pkcs1, message, key.byteLength());
  }

  /**
   * RSAES-PKCS1-v1_5 decryption (RFC 8017 7.2.2).
   *
   * @throws TpmCryptoException {@code SIZE} if the ciphertext is not the modulus size, {@code
   *     VALUE} if the padding is wrong
   */
  public static byte[] pkcs1Decrypt(RsaPrivateKey key, byte[] ciphertext)
      throws TpmCryptoException {
    checkedBlock(key.publicKey(), ciphertext);
    // Decode the padding ourselves (constant-time scan) rather than through PKCS1Encoding,
    // whose implicit-rejection mode would return random bytes instead of failing.
    byte[] em = privateOperation(key, new BigInteger(1, ciphertext));
    int bad = (em[0] & 0xFF) | ((em[1] & 0xFF) ^ 0x02);
    int separator = -1;
    for (int i = 2; i < em.length; i++) {
      if (em[i] == 0 && separator < 0) {
        separator = i;
      }
    }
    if (bad != 0 || separator < 10) {
      throw new TpmCryptoException(TpmCryptoException.Kind.VALUE, "PKCS#1 padding check failed");
    }
    return Arrays.copyOfRange(em, separator + 1, em.length);
  }

  /**
   * A TPM string label for OAEP: the ASCII bytes followed by a terminating 0x00, as the TPM uses
   * "SECRET", "DUPLICATE" and "IDENTITY" (TPM 2.0 Part 1, Annex B.10.3).
   */
  public static byte[] label(String label) {
    byte[] ascii = Kdf.label(label);
    return Arrays.copyOf(ascii, ascii.length + 1);
  }

  // ------------------------------------------------------------------ signature schemes

  /**
   * RSASSA-PKCS1-v1_5 signature (RFC 8017 8.2.1) over {@code digest}, which the caller computed
   * with {@code hash}.
   *
   * @throws TpmCryptoException {@code SIZE} if the digest has the wrong size or the key is too
   *     small for the DigestInfo
   */
  public static byte[] ssaSign(RsaPrivateKey key, HashAlgorithm hash, byte[] digest)
      throws TpmCryptoException {
    byte[] em = pkcs1SignatureBlock(hash, digest, key.publicKey().byteLength());
    return privateOperation(key, new BigInteger(1, em));
  }

  /** Whether {@code signature} is a valid RSASSA-PKCS1-v1_5 signature of {@code digest}. */
  public static boolean ssaVerify(
      RsaPublicKey key, HashAlgorithm hash, byte[] digest, byte[] signature) {
    byte[] em = publicOperation(key, signature);
    if (em == null || digest.length != hash.digestSize()) {
      return false;
    }
    try {
      return MessageDigest.isEqual(em, pkcs1SignatureBlock(hash, digest, em.length));
    } catch (TpmCryptoException e) {
      return false;
    }
  }

  /**
   * RSASSA-PSS signature (RFC 8017 8.1.1) over {@code digest} with MGF1 over the same hash and a
   * salt as long as the digest, or shorter if the key is too small (the reference implementation's
   * {@code CryptRsaPssSaltSize}).
   *
   * @throws TpmCryptoException {@code SIZE} if the digest has the wrong size or the key is too
   *     small
   */
  public static byte[] pssSign(
      RsaPrivateKey key, HashAlgorithm hash, byte[] digest, SecureRandom random)
      throws TpmCryptoException {
    int hLen = hash.digestSize();
    checkDigest(hash, digest);
    int emBits = key.publicKey().bits() - 1;
    int emLen = (emBits + 7) / 8;
    if (emLen < hLen + 2) {
      throw new TpmCryptoException(TpmCryptoException.Kind.SIZE, "key too small for PSS");
    }
    int saltLen = Math.min(hLen, emLen - hLen - 2);
    byte[] salt = new byte[saltLen];
    random.nextBytes(salt);
    byte[] h = pssHash(hash, digest, salt);
    byte[] db = new byte[emLen - hLen - 1];
    db[db.length - saltLen - 1] = 0x01;
    System.arraycopy(salt, 0, db, db.length - saltLen, saltLen);
    xorInto(db, mgf1(hash, h, db.length));
    db[0] &= (byte) (0xFF >>> (8 * emLen - emBits));
    byte[] em = new byte[emLen];
    System.arraycopy(db, 0, em, 0, db.length);
    System.arraycopy(h, 0, em, db.length, hLen);
    em[emLen - 1] = (byte) 0xBC;
    return privateOperation(key, new BigInteger(1, em));
  }

  /**
   * Whether {@code signature} is a valid RSASSA-PSS signature of {@code digest} (RFC 8017 8.1.2)
   * with MGF1 over the same hash. Any salt length is accepted, as the reference implementation's
   * {@code PssDecode} does.
   */
  public static boolean pssVerify(
      RsaPublicKey key, HashAlgorithm hash, byte[] digest, byte[] signature) {
    int hLen = hash.digestSize();
    byte[] k = publicOperation(key, signature);
    int emBits = key.bits() - 1;
    int emLen = (emBits + 7) / 8;
    if (k == null || digest.length != hLen || emLen < hLen + 2) {
      return false;
    }
    // EM is the encoded message in emLen bytes; with emLen < k the leading byte must be zero.
    if (emLen < k.length && k[0] != 0) {
      return false;
    }
    byte[] em = Arrays.copyOfRange(k, k.length - emLen, k.length);
    if (em[emLen - 1] != (byte) 0xBC) {
      return false;
    }
    int topMask = 0xFF << (8 - (8 * emLen - emBits));
    if ((em[0] & topMask & 0xFF) != 0) {
      return false;
    }
    byte[] db = Arrays.copyOfRange(em, 0, emLen - hLen - 1);
    byte[] h = Arrays.copyOfRange(em, emLen - hLen - 1, emLen - 1);
    xorInto(db, mgf1(hash, h, db.length));
    db[0] &= (byte) (0xFF >>> (8 * emLen - emBits));
    int i = 0;
    while (i < db.length && db[i] == 0) {
      i++;
    }
    if (i == db.length || db[i] != 0x01) {
      return false;
    }
    byte[] salt = Arrays.copyOfRange(db, i + 1, db.length);
    return MessageDigest.isEqual(h, pssHash(hash, digest, salt));
  }

  // ------------------------------------------------------------------ internals

  private static byte[] pssHash(HashAlgorithm hash, byte[] digest, byte[] salt) {
    MessageDigest md = hash.newDigest();
    md.update(new byte[8]);
    md.update(digest);
    md.update(salt);
    return md.digest();
  }

  /** MGF1 (RFC 8017 B.2.1). */
  static byte[] mgf1(HashAlgorithm hash, byte[] seed, int length) {
    byte[] mask = new byte[length];
    MessageDigest md = hash.newDigest();
    int hLen = hash.digestSize();
    for (int counter = 0, offset = 0; offset < length; counter++, offset += hLen) {
      md.update(seed);
      md.update(
          new byte[] {
            (byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter
          });
      byte[] block = md.digest();
      System.arraycopy(block, 0, mask, offset, Math.min(hLen, length - offset));
    }
    return mask;
  }

  private static void xorInto(byte[] target, byte[] mask) {
    for (int i = 0; i < target.length; i++) {
      target[i] ^= mask[i];
    }
  }

  /** The DER DigestInfo prefixes of RFC 8017 9.2, note 1. */
  private static byte[] digestInfoPrefix(HashAlgorithm hash) {
    return HexFormat.of()
        .parseHex(
            switch (hash) {
              case SHA1 -> "3021300906052b0e03021a05000414";
              case SHA256 -> "3031300d060960864801650304020105000420";
              case SHA384 -> "3041300d060960864801650304020205000430";
              case SHA512 -> "3051300d060960864801650304020305000440";
            });
  }

  /** EMSA-PKCS1-v1_5 (RFC 8017 9.2) of a precomputed digest, {@code emLen} bytes. */
  private static byte[] pkcs1SignatureBlock(HashAlgorithm hash, byte[] digest, int emLen)
      throws TpmCryptoException {
    checkDigest(hash, digest);
    byte[] prefix = digestInfoPrefix(hash);
    int tLen = prefix.length + digest.length;
    if (emLen < tLen + 11) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.SIZE, "RSA key too small for the DigestInfo");
    }
    byte[] em = new byte[emLen];
    em[1] = 0x01;
    Arrays.fill(em, 2, emLen - tLen - 1, (byte) 0xFF);
    System.arraycopy(prefix, 0, em, emLen - tLen, prefix.length);
    System.arraycopy(digest, 0, em, emLen - digest.length, digest.length);
    return em;
  }

  private static void checkDigest(HashAlgorithm hash, byte[] digest) throws TpmCryptoException {
    Objects.requireNonNull(digest, "digest");
    if (digest.length != hash.digestSize()) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.SIZE,
          "a " + hash + " digest is " + hash.digestSize() + " bytes, not " + digest.length);
    }
  }

  /** The ciphertext as an integer after the size and range checks of RSADP. */
  private static BigInteger checkedBlock(RsaPublicKey key, byte[] block) throws TpmCryptoException {
    if (block.length != key.byteLength()) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.SIZE, "RSA input must be " + key.byteLength() + " bytes");
    }
    BigInteger c = new BigInteger(1, block);
    if (c.compareTo(key.modulus()) >= 0) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.VALUE, "RSA input not below the modulus");
    }
    return c;
  }

  /** s^e mod n as k bytes, or null if the signature has the wrong size or is out of range. */
  private static byte[] publicOperation(RsaPublicKey key, byte[] signature) {
    if (signature == null || signature.length != key.byteLength()) {
      return null;
    }
    BigInteger s = new BigInteger(1, signature);
    if (s.compareTo(key.modulus()) >= 0) {
      return null;
    }
    return BigIntegers.toFixed(s.modPow(key.exponent(), key.modulus()), key.byteLength());
  }

  /** x^d mod n with CRT and blinding, as k bytes. */
  private static byte[] privateOperation(RsaPrivateKey key, BigInteger x) {
    RSABlindedEngine engine = new RSABlindedEngine();
    engine.init(false, new ParametersWithRandom(privateParameters(key), BLINDING));
    int k = key.publicKey().byteLength();
    byte[] in = BigIntegers.toFixed(x, k);
    byte[] out = engine.processBlock(in, 0, in.length);
    return BigIntegers.toFixed(new BigInteger(1, out), k);
  }

  private static OAEPEncoding oaep(HashAlgorithm hash, byte[] label) {
    return new OAEPEncoding(
        new RSABlindedEngine(),
        hash.newBcDigest(),
        hash.newBcDigest(),
        label == null ? new byte[0] : label);
  }

  private static byte[] process(AsymmetricBlockCipher cipher, byte[] input, int outLength)
      throws TpmCryptoException {
    try {
      byte[] out = cipher.processBlock(input, 0, input.length);
      return outLength < 0 || out.length == outLength
          ? out
          : BigIntegers.toFixed(new BigInteger(1, out), outLength);
    } catch (InvalidCipherTextException | IllegalArgumentException e) {
      throw new TpmCryptoException(TpmCryptoException.Kind.VALUE, "RSA decryption failed", e);
    }
  }

  private static RSAKeyParameters publicParameters(RsaPublicKey key) {
    return new RSAKeyParameters(false, key.modulus(), key.exponent());
  }

  private static RSAPrivateCrtKeyParameters privateParameters(RsaPrivateKey key) {
    return new RSAPrivateCrtKeyParameters(
        key.modulus(),
        key.publicKey().exponent(),
        key.d(),
        key.p(),
        key.q(),
        key.dP(),
        key.dQ(),
        key.qInv());
  }
}
