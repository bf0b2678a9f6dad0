package io.parasol.tpm.object;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.Aes;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.ProtectedStorage;
import io.parasol.tpm.crypto.SymmetricMode;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.TpmWriter;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The private area of an object under its parent, {@code TPM2B_PRIVATE} (TPM 2.0 Library Part 1 §22
 * "Protected Storage", the reference implementation's {@code SensitiveToPrivate} and {@code
 * PrivateToSensitive}):
 *
 * <pre>
 *   symKey    = KDFa(parent.nameAlg, parent.seedValue, "STORAGE", name, -, parent.keyBits)
 *   ivArea    = TPM2B(random IV of one AES block)
 *   enc       = AES-CFB(symKey, IV, TPM2B_SENSITIVE)
 *   integrity = HMAC(KDFa(parent.nameAlg, parent.seedValue, "INTEGRITY", ...), ivArea || enc || name)
 *   private   = TPM2B(integrity) || ivArea || enc
 * </pre>
 *
 * The IV makes each wrap of the same object different, so a new authValue (TPM2_ObjectChangeAuth)
 * never reuses a key stream. The blob is opaque to clients; only this TPM reads it back.
 */
public final class ObjectPrivate {
  private ObjectPrivate() {}

  /** {@code sizeof(_PRIVATE)}: the largest {@code TPM2B_PRIVATE} buffer accepted. */
  public static final int MAX_SIZE = 1280;

  /** Wraps {@code sensitive} of the object named {@code name} under {@code parent}. */
  public static byte[] wrap(
      TpmObject parent, byte[] name, TpmtSensitive sensitive, SecureRandom random) {
    HashAlgorithm hash = parent.nameHash();
    byte[] seed = parent.sensitive().seedValue();
    byte[] symKey = ProtectedStorage.storageKey(hash, keyBits(parent), seed, name);
    byte[] iv = new byte[Aes.BLOCK_BYTES];
    random.nextBytes(iv);
    byte[] enc;
    try {
      enc = Aes.encrypt(SymmetricMode.CFB, symKey, iv, sensitive.marshal2B()).data();
    } catch (TpmCryptoException e) {
      throw new IllegalStateException(e);
    }
    TpmWriter body = new TpmWriter();
    body.write2B(iv).writeBytes(enc);
    byte[] protectedBytes = body.toByteArray();
    byte[] integrity = ProtectedStorage.outerHmac(hash, seed, protectedBytes, name);
    return new TpmWriter().write2B(integrity).writeBytes(protectedBytes).toByteArray();
  }

  /**
   * Checks and decrypts a private area.
   *
   * @throws TpmException {@code TPM_RC_INTEGRITY} if the integrity is wrong (checked before
   *     anything is decrypted), {@code TPM_RC_SIZE}/{@code TPM_RC_VALUE} for bad sizes, the
   *     unmarshalling codes of {@link TpmtSensitive#read}
   */
  public static TpmtSensitive unwrap(TpmObject parent, byte[] name, byte[] wrapped)
      throws TpmException {
    HashAlgorithm hash = parent.nameHash();
    byte[] seed = parent.sensitive().seedValue();
    if (wrapped.length < 2) {
      throw new TpmException(TpmRc.INSUFFICIENT);
    }
    int size = ((wrapped[0] & 0xFF) << 8) | (wrapped[1] & 0xFF);
    if (size != hash.digestSize() || wrapped.length < 2 + size) {
      throw new TpmException(TpmRc.INTEGRITY);
    }
    byte[] integrity = Arrays.copyOfRange(wrapped, 2, 2 + size);
    byte[] protectedBytes = Arrays.copyOfRange(wrapped, 2 + size, wrapped.length);
    if (!MessageDigest.isEqual(
        integrity, ProtectedStorage.outerHmac(hash, seed, protectedBytes, name))) {
      throw new TpmException(TpmRc.INTEGRITY);
    }
    if (protectedBytes.length < 2) {
      throw new TpmException(TpmRc.INSUFFICIENT);
    }
    int ivSize = ((protectedBytes[0] & 0xFF) << 8) | (protectedBytes[1] & 0xFF);
    if (ivSize != Aes.BLOCK_BYTES || protectedBytes.length < 2 + ivSize) {
      throw new TpmException(TpmRc.VALUE);
    }
    byte[] iv = Arrays.copyOfRange(protectedBytes, 2, 2 + ivSize);
    byte[] enc = Arrays.copyOfRange(protectedBytes, 2 + ivSize, protectedBytes.length);
    byte[] symKey = ProtectedStorage.storageKey(hash, keyBits(parent), seed, name);
    byte[] plain;
    try {
      plain = Aes.decrypt(SymmetricMode.CFB, symKey, iv, enc).data();
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e);
    }
    return TpmtSensitive.parse2B(plain);
  }

  /** The AES key size of a storage key's symmetric definition. */
  static int keyBits(TpmObject parent) {
    return switch (parent.publicArea().parameters()) {
      case TpmtPublic.AsymParms a -> a.symmetric().keyBits();
      case TpmtPublic.SymCipherParms s -> s.sym().keyBits();
      default -> throw new IllegalStateException("not a storage key: " + parent);
    };
  }
}
