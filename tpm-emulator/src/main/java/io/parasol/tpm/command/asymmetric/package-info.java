/**
 * TPM 2.0 Library Part 3 §14 "Asymmetric Primitives": TPM2_RSA_Encrypt, TPM2_RSA_Decrypt,
 * TPM2_ECDH_KeyGen, TPM2_ECDH_ZGen, TPM2_ECC_Parameters; and the salt decryption of salted sessions
 * ({@link io.parasol.tpm.command.asymmetric.ObjectSaltDecryptor}).
 */
package io.parasol.tpm.command.asymmetric;
