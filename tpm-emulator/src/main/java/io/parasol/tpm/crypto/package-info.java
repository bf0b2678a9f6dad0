/**
 * The TPM's cryptography (TPM 2.0 Library Part 1, chapters 11, 19.6, 21-24 and Annexes B and C):
 * hashes, HMAC, KDFa/KDFe, the random number generator and the seeded DRBG for primary keys, RSA,
 * ECC, AES in the TPM's modes, and the object, credential, duplication and session protections
 * built from them.
 *
 * <p>Everything here takes and returns {@code byte[]}, {@link java.math.BigInteger} and the small
 * value types of this package; nothing depends on the marshalling, command or session code, so the
 * layer can be tested (and replaced) alone. Failures caused by input the TPM received are {@link
 * io.parasol.tpm.crypto.TpmCryptoException}s whose kind names the response code; our own bugs are
 * unchecked exceptions.
 *
 * <p>Implementations: the JDK for hashes, HMAC and AES (CPU instructions), Bouncy Castle for the
 * ECC arithmetic and the RSA blinding and OAEP, and this package's own code for RSA prime
 * generation, PSS, the TPM's KDFs and the CTR_DRBG. This package does not marshal TPM structures,
 * hold keys between commands or decide policy (which scheme a key may use).
 */
package io.parasol.tpm.crypto;
