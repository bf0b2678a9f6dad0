package io.parasol.tpm.crypto;

import java.util.Arrays;

/**
 * The session-key derivation and parameter encryption of TPM 2.0 Part 1: the session key of an HMAC
 * or policy session (19.6.8), XOR obfuscation (21.2) and AES-CFB parameter encryption (21.3).
 *
 * <p>Parameter encryption keys on the session value {@code sessionKey || authValue} (the caller
 * concatenates: the authValue of the entity the session is bound to or authorizes, per Part 1,
 * 21.1). The nonces are ordered by direction: for a command, {@code nonceNewer} is nonceCaller and
 * {@code nonceOlder} is nonceTPM; for a response, the reverse.
 */
public final class SessionCrypto {
  /** KDFa label of the session key. */
  public static final String ATH = "ATH";

  /** KDFa label of XOR obfuscation. */
  public static final String XOR = "XOR";

  /** KDFa label of CFB parameter encryption. */
  public static final String CFB = "CFB";

  private SessionCrypto() {}

  /**
   * The session key (Part 1, 19.6.8): {@code KDFa(authHash, bindAuth || salt, "ATH", nonceTPM,
   * nonceCaller, digestBits)}, or empty if the session is neither bound nor salted.
   *
   * @param bindAuthValue the authValue of the bind entity, empty if unbound
   * @param salt the decrypted salt, empty if unsalted
   * @param nonceTpm the TPM's first nonce
   * @param nonceCaller the caller's first nonce ({@code nonceCaller} of StartAuthSession)
   */
  public static byte[] sessionKey(
      HashAlgorithm authHash,
      byte[] bindAuthValue,
      byte[] salt,
      byte[] nonceTpm,
      byte[] nonceCaller) {
    if (bindAuthValue.length == 0 && salt.length == 0) {
      return new byte[0];
    }
    byte[] key = Arrays.copyOf(bindAuthValue, bindAuthValue.length + salt.length);
    System.arraycopy(salt, 0, key, bindAuthValue.length, salt.length);
    return Kdf.kdfa(authHash, key, ATH, nonceTpm, nonceCaller, authHash.digestSize() * 8);
  }

  /**
   * XOR obfuscation (Part 1, 21.2): {@code data ⊕ KDFa(hash, sessionValue, "XOR", nonceNewer,
   * nonceOlder, bits(data))}. Its own inverse.
   */
  public static byte[] xor(
      HashAlgorithm hash, byte[] sessionValue, byte[] nonceNewer, byte[] nonceOlder, byte[] data) {
    byte[] mask = Kdf.kdfa(hash, sessionValue, XOR, nonceNewer, nonceOlder, data.length * 8);
    for (int i = 0; i < mask.length; i++) {
      mask[i] ^= data[i];
    }
    return mask;
  }

  /**
   * AES-CFB parameter encryption (Part 1, 21.3): key and IV are {@code KDFa(hash, sessionValue,
   * "CFB", nonceNewer, nonceOlder, aesBits + 128)}, key first.
   *
   * @param encrypt true to encrypt, false to decrypt
   * @param aesBits the session's symmetric key size (128, 192 or 256)
   */
  public static byte[] cfb(
      boolean encrypt,
      HashAlgorithm hash,
      int aesBits,
      byte[] sessionValue,
      byte[] nonceNewer,
      byte[] nonceOlder,
      byte[] data) {
    if (!Aes.isKeySize(aesBits)) {
      throw new IllegalArgumentException("AES key size " + aesBits);
    }
    byte[] keyIv = Kdf.kdfa(hash, sessionValue, CFB, nonceNewer, nonceOlder, aesBits + 128);
    byte[] key = Arrays.copyOf(keyIv, aesBits / 8);
    byte[] iv = Arrays.copyOfRange(keyIv, aesBits / 8, keyIv.length);
    try {
      return encrypt
          ? Aes.encrypt(SymmetricMode.CFB, key, iv, data).data()
          : Aes.decrypt(SymmetricMode.CFB, key, iv, data).data();
    } catch (TpmCryptoException e) {
      throw new IllegalStateException("CFB with a derived IV cannot fail", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
