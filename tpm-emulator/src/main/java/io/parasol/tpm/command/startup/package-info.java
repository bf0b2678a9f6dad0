/**
 * TPM 2.0 Library Part 3 §9 "Start-up": TPM2_Startup and TPM2_Shutdown, which move the TPM between
 * TPM Reset, Restart and Resume (Part 1 §12.2.3). The state changes themselves live in {@link
 * io.parasol.tpm.TpmState#startup} and {@link io.parasol.tpm.TpmState#shutdown}.
 */
package io.parasol.tpm.command.startup;
