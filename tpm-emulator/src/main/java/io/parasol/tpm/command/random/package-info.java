/** TPM 2.0 Library Part 3 §16 "Random Number Generator": TPM2_GetRandom and TPM2_StirRandom. */
package io.parasol.tpm.command.random;
