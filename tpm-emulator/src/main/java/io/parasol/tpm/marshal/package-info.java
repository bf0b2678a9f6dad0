/**
 * TPM 2.0 Library Part 2 marshalling: {@link io.parasol.tpm.marshal.TpmReader} (bounded, every read
 * checked, errors as {@code TPM_RC_INSUFFICIENT}/{@code TPM_RC_SIZE}), {@link
 * io.parasol.tpm.marshal.TpmWriter}, and the Part 2 structures the engine exchanges as records
 * named after their spec type ({@code TPMS_PCR_SELECTION} is {@code TpmsPcrSelection}), each with
 * {@code read(TpmReader)} and {@code write(TpmWriter)}. {@code TPM2B} buffers are plain {@code
 * byte[]} read with {@link io.parasol.tpm.marshal.Tpm2b}'s size limits.
 *
 * <p>Not here: what the values mean; the commands check that.
 */
package io.parasol.tpm.marshal;
