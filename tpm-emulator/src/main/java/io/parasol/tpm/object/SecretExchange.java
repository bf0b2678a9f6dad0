package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.EccPoint;
import io.parasol.tpm.crypto.SecretSharing;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.security.SecureRandom;

/**
 * Seeds protected by an object's asymmetric key (TPM 2.0 Library Part 1 §24, Annex B.10.3 and
 * C.6.4; the reference implementation's {@code CryptSecretEncrypt}/{@code CryptSecretDecrypt}): the
 * salt of a salted session ({@value SecretSharing#SECRET}), the seed of a duplication blob ({@value
 * SecretSharing#DUPLICATE}) and of a credential ({@value SecretSharing#IDENTITY}). The {@code
 * TPM2B_ENCRYPTED_SECRET} buffer is the RSA-OAEP ciphertext, or for ECC the marshalled ephemeral
 * {@code TPMS_ECC_POINT}. The hash is the key's name algorithm.
 */
public final class SecretExchange {
  private SecretExchange() {}

  /** A seed and its encryption for the key. */
  public record Secret(byte[] seed, byte[] encryptedSecret) {}

  /**
   * A new seed for {@code key} (a public area is enough).
   *
   * @throws TpmException {@code TPM_RC_KEY} if the key is not an RSA or ECC decryption key
   */
  public static Secret create(TpmObject key, String label, SecureRandom random)
      throws TpmException {
    checkDecryptKey(key);
    try {
      if (key.publicArea().type() == TpmAlgId.RSA) {
        SecretSharing.RsaSecret s =
            SecretSharing.rsaCreate(key.rsaPublicKey(), key.nameHash(), label, random);
        return new Secret(s.seed(), s.encryptedSeed());
      }
      SecretSharing.EccSecret s =
          SecretSharing.eccCreate(key.eccPublicPoint(), key.nameHash(), label, random);
      TpmWriter w = new TpmWriter();
      w.write2B(s.ephemeralPoint().xBytes()).write2B(s.ephemeralPoint().yBytes());
      return new Secret(s.seed(), w.toByteArray());
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e);
    }
  }

  /**
   * The seed in {@code encryptedSecret}.
   *
   * @throws TpmException {@code TPM_RC_KEY} for a key that cannot decrypt secrets; {@code
   *     TPM_RC_VALUE}, {@code TPM_RC_SIZE}, {@code TPM_RC_ECC_POINT} for a bad secret
   */
  public static byte[] recover(TpmObject key, String label, byte[] encryptedSecret)
      throws TpmException {
    checkDecryptKey(key);
    if (key.isPublicOnly()) {
      throw new TpmException(TpmRc.KEY);
    }
    try {
      if (key.publicArea().type() == TpmAlgId.RSA) {
        return SecretSharing.rsaRecover(
            key.rsaPrivateKey(), key.nameHash(), label, encryptedSecret);
      }
      TpmReader r = new TpmReader(encryptedSecret);
      byte[] x = r.read2B(TpmtPublic.MAX_ECC_KEY_BYTES);
      byte[] y = r.read2B(TpmtPublic.MAX_ECC_KEY_BYTES);
      if (!r.atEnd()) {
        throw new TpmException(TpmRc.SIZE);
      }
      EccPoint point;
      try {
        point = io.parasol.tpm.crypto.Ecc.validate(key.eccKeyPair().curve(), x, y);
      } catch (TpmCryptoException e) {
        throw new TpmException(TpmRc.ECC_POINT);
      }
      return SecretSharing.eccRecover(key.eccKeyPair(), key.nameHash(), label, point);
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e);
    }
  }

  private static void checkDecryptKey(TpmObject key) throws TpmException {
    if (!key.publicArea().isAsymmetric() || !key.publicArea().has(TpmaObject.DECRYPT)) {
      throw new TpmException(TpmRc.KEY);
    }
  }
}
