package io.parasol.tpm.session;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;

/**
 * Recovers the salt of a salted session from {@code encryptedSalt} with the private part of {@code
 * tpmKey} (TPM 2.0 Library Part 1 §24: RSA-OAEP with label "SECRET", or ECDH and KDFe), for
 * TPM2_StartAuthSession. The asymmetric-crypto chapter supplies the implementation.
 */
@FunctionalInterface
public interface SaltDecryptor {

  /** Refuses every salted session: the key cannot be used for it ({@code TPM_RC_KEY}). */
  SaltDecryptor UNSUPPORTED =
      (state, tpmKey, encryptedSalt) -> {
        throw new TpmException(TpmRc.KEY);
      };

  /**
   * The salt.
   *
   * @throws TpmException a format-one code without number (the caller attributes it to the {@code
   *     tpmKey} handle or the {@code encryptedSalt} parameter): {@code TPM_RC_KEY} for a key that
   *     is not a decryption key, {@code TPM_RC_VALUE} or {@code TPM_RC_SIZE} for a bad salt
   */
  byte[] decryptSalt(TpmState state, Entity tpmKey, byte[] encryptedSalt) throws TpmException;
}
