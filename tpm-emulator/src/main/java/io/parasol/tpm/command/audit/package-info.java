/**
 * TPM 2.0 Library Part 3 §21 "Command Audit": TPM2_SetCommandCodeAuditStatus, which chooses the
 * audited commands and the audit hash, and {@link io.parasol.tpm.command.audit.CommandAudit}, the
 * command audit digest the dispatcher extends after each audited command (Part 1 §33).
 * TPM2_GetCommandAuditDigest, which signs the digest, is an attestation command ({@code
 * command.attestation}). Session audit is in {@code session.CommandAuthorization}.
 */
package io.parasol.tpm.command.audit;
