package io.parasol.tpm.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * The symmetric protections of TPM 2.0 Part 1 for data that leaves the TPM: the "outer wrap" of
 * Part 1, 22 (Protected Storage: the private area of an object under its parent) and 23.3.2
 * (duplication under a new parent's seed), also used for {@code TPM2_MakeCredential}'s credential
 * blob (Part 1, 24 Credential Protection); and the "inner wrap" of duplication (23.3.2.3).
 *
 * <p>Outer wrap, for a seed, the hash and AES key size of the protecting key, and the protected
 * object's Name:
 *
 * <pre>
 *   symKey     = KDFa(hash, seed, "STORAGE", name, -, aesBits)
 *   enc        = AES-CFB(symKey, IV = 0, plaintext)
 *   hmacKey    = KDFa(hash, seed, "INTEGRITY", -, -, digestBits)
 *   integrity  = HMAC(hmacKey, enc || name)
 *   wrapped    = [digestSize]16 || integrity || enc        (a TPM2B_DIGEST, then enc)
 * </pre>
 *
 * The plaintext is the marshalled {@code TPM2B_SENSITIVE} (or, for a credential, the {@code
 * TPM2B_DIGEST}), size field included; the wrapped form is the buffer of a {@code TPM2B_PRIVATE} or
 * {@code TPM2B_ID_OBJECT}. The integrity is checked in constant time before anything is decrypted.
 */
public final class ProtectedStorage {
  /** KDFa label of the symmetric key (Part 1, 22.4). */
  public static final String STORAGE = "STORAGE";

  /** KDFa label of the HMAC key (Part 1, 22.5). */
  public static final String INTEGRITY = "INTEGRITY";

  private ProtectedStorage() {}

  /**
   * Applies the outer wrap.
   *
   * @param hash the protecting key's name algorithm
   * @param aesBits the protecting key's symmetric key size (128, 192 or 256)
   * @param seed the protecting seed (the parent's {@code seedValue} or a duplication seed)
   * @param name the Name of the protected object
   * @param plaintext the marshalled sensitive area, size field included
   */
  public static byte[] wrapOuter(
      HashAlgorithm hash, int aesBits, byte[] seed, byte[] name, byte[] plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    byte[] enc = Aes.cfbZeroIv(true, storageKey(hash, aesBits, seed, name), plaintext);
    byte[] integrity = outerHmac(hash, seed, enc, name);
    byte[] out = new byte[2 + integrity.length + enc.length];
    out[0] = (byte) (integrity.length >>> 8);
    out[1] = (byte) integrity.length;
    System.arraycopy(integrity, 0, out, 2, integrity.length);
    System.arraycopy(enc, 0, out, 2 + integrity.length, enc.length);
    return out;
  }

  /**
   * Checks and removes the outer wrap; the inverse of {@link #wrapOuter}.
   *
   * @return the plaintext (the marshalled sensitive area, size field included)
   * @throws TpmCryptoException {@code SIZE} if the buffer is too short for its integrity field,
   *     {@code INTEGRITY} if the integrity size or value is wrong
   */
  public static byte[] unwrapOuter(
      HashAlgorithm hash, int aesBits, byte[] seed, byte[] name, byte[] wrapped)
      throws TpmCryptoException {
    Objects.requireNonNull(wrapped, "wrapped");
    if (wrapped.length < 2) {
      throw new TpmCryptoException(TpmCryptoException.Kind.SIZE, "no integrity field");
    }
    int size = ((wrapped[0] & 0xFF) << 8) | (wrapped[1] & 0xFF);
    if (wrapped.length < 2 + size) {
      throw new TpmCryptoException(TpmCryptoException.Kind.SIZE, "integrity field overruns");
    }
    if (size != hash.digestSize()) {
      throw new TpmCryptoException(TpmCryptoException.Kind.INTEGRITY, "wrong integrity size");
    }
    byte[] integrity = Arrays.copyOfRange(wrapped, 2, 2 + size);
    byte[] enc = Arrays.copyOfRange(wrapped, 2 + size, wrapped.length);
    if (!MessageDigest.isEqual(integrity, outerHmac(hash, seed, enc, name))) {
      throw new TpmCryptoException(TpmCryptoException.Kind.INTEGRITY, "outer integrity mismatch");
    }
    return Aes.cfbZeroIv(false, storageKey(hash, aesBits, seed, name), enc);
  }

  /**
   * Applies the inner wrap of duplication (Part 1, 23.3.2.3): {@code AES-CFB(key, IV = 0,
   * TPM2B(H(sensitive || name)) || sensitive)}.
   *
   * @param nameAlg the duplicated object's name algorithm
   * @param key the inner wrapper key ({@code encryptionKey}), 16, 24 or 32 bytes
   * @param sensitive the marshalled {@code TPM2B_SENSITIVE}, size field included
   */
  public static byte[] wrapInner(HashAlgorithm nameAlg, byte[] key, byte[] name, byte[] sensitive) {
    byte[] integrity = nameAlg.digest(sensitive, name);
    byte[] plain = new byte[2 + integrity.length + sensitive.length];
    plain[0] = (byte) (integrity.length >>> 8);
    plain[1] = (byte) integrity.length;
    System.arraycopy(integrity, 0, plain, 2, integrity.length);
    System.arraycopy(sensitive, 0, plain, 2 + integrity.length, sensitive.length);
    return Aes.cfbZeroIv(true, key, plain);
  }

  /**
   * Removes and checks the inner wrap; the inverse of {@link #wrapInner}.
   *
   * @throws TpmCryptoException {@code INTEGRITY} if the integrity digest is missing or wrong
   */
  public static byte[] unwrapInner(HashAlgorithm nameAlg, byte[] key, byte[] name, byte[] wrapped)
      throws TpmCryptoException {
    byte[] plain = Aes.cfbZeroIv(false, key, wrapped);
    int size = plain.length >= 2 ? ((plain[0] & 0xFF) << 8) | (plain[1] & 0xFF) : -1;
    if (size != nameAlg.digestSize() || plain.length < 2 + size) {
      throw new TpmCryptoException(TpmCryptoException.Kind.INTEGRITY, "inner integrity missing");
    }
    byte[] integrity = Arrays.copyOfRange(plain, 2, 2 + size);
    byte[] sensitive = Arrays.copyOfRange(plain, 2 + size, plain.length);
    if (!MessageDigest.isEqual(integrity, nameAlg.digest(sensitive, name))) {
      throw new TpmCryptoException(TpmCryptoException.Kind.INTEGRITY, "inner integrity mismatch");
    }
    return sensitive;
  }

  /** {@code KDFa(hash, seed, "STORAGE", name, -, aesBits)} (Part 1, 22.4). */
  public static byte[] storageKey(HashAlgorithm hash, int aesBits, byte[] seed, byte[] name) {
    if (!Aes.isKeySize(aesBits)) {
      throw new IllegalArgumentException("AES key size " + aesBits);
    }
    return Kdf.kdfa(hash, seed, STORAGE, name, null, aesBits);
  }

  /** {@code HMAC(KDFa(hash, seed, "INTEGRITY", -, -, digestBits), enc || name)} (Part 1, 22.5). */
  public static byte[] outerHmac(HashAlgorithm hash, byte[] seed, byte[] enc, byte[] name) {
    byte[] hmacKey = Kdf.kdfa(hash, seed, INTEGRITY, null, null, hash.digestSize() * 8);
    return Hmac.compute(hash, hmacKey, enc, name);
  }
}
