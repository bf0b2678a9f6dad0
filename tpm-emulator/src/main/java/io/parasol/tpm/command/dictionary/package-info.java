/**
 * TPM 2.0 Library Part 3 §25 "Dictionary Attack Functions": TPM2_DictionaryAttackLockReset and
 * TPM2_DictionaryAttackParameters over {@link io.parasol.tpm.DictionaryAttack}. The lockout itself
 * is enforced by the session code ({@link io.parasol.tpm.session.CommandAuthorization}).
 */
package io.parasol.tpm.command.dictionary;
