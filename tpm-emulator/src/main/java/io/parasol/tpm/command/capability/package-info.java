/**
 * TPM 2.0 Library Part 3 §30 "Capability Commands": TPM2_GetCapability, which reports what this TPM
 * implements and its current state, and TPM2_TestParms.
 */
package io.parasol.tpm.command.capability;
