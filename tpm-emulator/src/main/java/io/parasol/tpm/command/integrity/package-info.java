/**
 * TPM 2.0 Library Part 3 §22 "Integrity Collection (PCR)": TPM2_PCR_Extend, TPM2_PCR_Event,
 * TPM2_PCR_Read, TPM2_PCR_Allocate and TPM2_PCR_Reset over {@link io.parasol.tpm.pcr.PcrBanks},
 * with the PC Client locality rules of {@link io.parasol.tpm.pcr.PcrAttributes}.
 */
package io.parasol.tpm.command.integrity;
