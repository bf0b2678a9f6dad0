/**
 * TPM 2.0 Library Part 3 §31 "Non-volatile Storage": defining, reading, writing, locking and
 * deleting NV indices of every type (ordinary, counter, bit field, extend, PIN pass/fail) over the
 * model of {@link io.parasol.tpm.nv}. TPM2_NV_Certify belongs here too but needs a signing key and
 * is left to the object chapter's signing support.
 */
package io.parasol.tpm.command.nv;
