/**
 * The command framework of TPM 2.0 Library Part 3: {@link io.parasol.tpm.command.Command} (one
 * class per command), its {@link io.parasol.tpm.command.CommandSpec} (handles, authorisation roles,
 * {@code TPMA_CC}), the {@link io.parasol.tpm.command.CommandContext} a command runs in, and the
 * {@link io.parasol.tpm.command.CommandTable} built from one {@link
 * io.parasol.tpm.command.CommandChapter} per Part 3 chapter. The sub-packages are the chapters.
 *
 * <p>Not here: the dispatcher ({@link io.parasol.tpm.Tpm}) and session checks ({@code
 * io.parasol.tpm.session}).
 */
package io.parasol.tpm.command;
