/**
 * TPM 2.0 Library Part 3 §15 "Symmetric Primitives": TPM2_Hash. TPM2_EncryptDecrypt(2) and
 * TPM2_HMAC belong to the symmetric-key author.
 */
package io.parasol.tpm.command.symmetric;
