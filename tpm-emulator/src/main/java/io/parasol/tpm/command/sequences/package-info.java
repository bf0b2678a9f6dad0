/**
 * TPM 2.0 Library Part 3 §17 "Hash/HMAC/Event Sequences": hash and event sequence objects ({@link
 * io.parasol.tpm.command.sequences.HashSequence}) and the commands that start, feed and complete
 * them. TPM2_HMAC_Start (§17.2) belongs to the keyed-hash object author and creates an HMAC
 * sequence through {@link io.parasol.tpm.command.sequences.HashSequence#hmac}.
 */
package io.parasol.tpm.command.sequences;
