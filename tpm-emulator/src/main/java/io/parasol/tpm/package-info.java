/**
 * Parasol's TPM 2.0 (TPM 2.0 Library Specification, revision 1.59): the {@link
 * io.parasol.tpm.TpmEngine} and {@link io.parasol.tpm.TpmPlatform} contracts, the engine {@link
 * io.parasol.tpm.Tpm} that implements them (the command dispatcher), the {@link
 * io.parasol.tpm.TpmState} commands operate on, and the constants of Part 2 ({@code TPM_RC}, {@code
 * TPM_CC}, {@code TPM_ST}, handles, algorithm identifiers).
 *
 * <p>Not here: marshalling ({@code .marshal}), the commands ({@code .command.<chapter>}), sessions
 * ({@code .session}), PCR banks ({@code .pcr}), cryptography ({@code .crypto}), the sealed state
 * file ({@code .state}) and the socket servers ({@code .server}).
 */
package io.parasol.tpm;
