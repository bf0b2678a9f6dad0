package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.SecretSharing;
import io.parasol.tpm.object.SecretExchange;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.session.SaltDecryptor;

/**
 * The salt of a salted session (Part 1 §19.6.13, Part 3 §11.1): recovered from {@code
 * encryptedSalt} with the RSA or ECC decryption key {@code tpmKey} ({@link SecretExchange}, label
 * "SECRET"). An empty salt with a key is {@code TPM_RC_VALUE}.
 */
public final class ObjectSaltDecryptor implements SaltDecryptor {
  @Override
  public byte[] decryptSalt(TpmState state, Entity tpmKey, byte[] encryptedSalt)
      throws TpmException {
    if (!(tpmKey instanceof TpmObject key)) {
      throw new TpmException(TpmRc.KEY);
    }
    if (encryptedSalt.length == 0) {
      throw new TpmException(TpmRc.VALUE);
    }
    return SecretExchange.recover(key, SecretSharing.SECRET, encryptedSalt);
  }
}
