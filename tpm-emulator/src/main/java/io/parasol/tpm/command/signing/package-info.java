/**
 * TPM 2.0 Library Part 3 §20 "Signing and Signature Verification": TPM2_VerifySignature and
 * TPM2_Sign, over {@link io.parasol.tpm.object.ObjectSigner}.
 */
package io.parasol.tpm.command.signing;
