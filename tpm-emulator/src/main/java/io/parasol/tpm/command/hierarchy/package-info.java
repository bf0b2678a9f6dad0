/**
 * TPM 2.0 Library Part 3 §24 "Hierarchy Commands": enabling hierarchies, their authorisation values
 * and policies, TPM2_Clear and the seed changes. TPM2_CreatePrimary (§24.1) belongs here too and is
 * added by the object chapter's author.
 */
package io.parasol.tpm.command.hierarchy;
