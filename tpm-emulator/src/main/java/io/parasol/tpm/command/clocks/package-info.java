/**
 * TPM 2.0 Library Part 3 §29 "Clocks and Timers": TPM2_ReadClock, TPM2_ClockSet and
 * TPM2_ClockRateAdjust over {@link io.parasol.tpm.TpmClock}.
 */
package io.parasol.tpm.command.clocks;
