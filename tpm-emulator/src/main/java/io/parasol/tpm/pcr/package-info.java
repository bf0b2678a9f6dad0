/**
 * The PCR banks (TPM 2.0 Library Part 1 §17) and the PC Client PCR attributes (TCG PC Client
 * Platform TPM Profile §4.6): values, allocation, locality rules, start-up and saved state.
 *
 * <p>Not here: the PCR commands ({@code .command.integrity}).
 */
package io.parasol.tpm.pcr;
