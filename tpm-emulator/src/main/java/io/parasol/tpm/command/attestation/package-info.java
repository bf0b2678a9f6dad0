/**
 * TPM 2.0 Library Part 3 §18 "Attestation Commands": TPM2_Certify, TPM2_CertifyCreation,
 * TPM2_Quote, TPM2_GetSessionAuditDigest, TPM2_GetCommandAuditDigest and TPM2_GetTime. Each fills a
 * {@link io.parasol.tpm.command.attestation.TpmsAttest} ({@code TPMS_ATTEST}, Part 2 §10.12) and
 * signs it with {@link io.parasol.tpm.command.attestation.AttestationSigner}, which TPM2_NV_Certify
 * ({@code command.nv}) uses too. Not here: TPM2_CertifyX509 and ECDAA (anonymous) signing.
 */
package io.parasol.tpm.command.attestation;
