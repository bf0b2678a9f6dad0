/**
 * TPM 2.0 Library Part 3 §11 "Session Commands": TPM2_StartAuthSession (TPM2_PolicyRestart, §11.2,
 * belongs to the policy chapter's author). The sessions themselves and their authorisation checks
 * live in {@link io.parasol.tpm.session}.
 */
package io.parasol.tpm.command.sessions;
