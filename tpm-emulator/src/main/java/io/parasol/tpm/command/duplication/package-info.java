/**
 * TPM 2.0 Library Part 3 §13 "Duplication Commands": TPM2_Duplicate, TPM2_Rewrap and TPM2_Import,
 * which move an object that is not {@code fixedParent} from one parent (or TPM) to another (Part 1
 * §23). The duplication blob is the object's {@code TPM2B_SENSITIVE}, optionally under an inner
 * wrapper (AES-CFB with a caller's or TPM-made key, and an integrity digest) and an outer wrapper
 * (the storage wrap of {@link io.parasol.tpm.crypto.ProtectedStorage} under a seed shared with the
 * new parent through {@link io.parasol.tpm.object.SecretExchange}, label "DUPLICATE"). See {@link
 * io.parasol.tpm.command.duplication.DuplicationBlob}.
 */
package io.parasol.tpm.command.duplication;
