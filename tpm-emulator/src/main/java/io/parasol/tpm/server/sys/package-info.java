/**
 * The restricted FFM layer of the TPM servers: the few libc socket calls Java's own socket API
 * cannot make, chiefly {@code recvmsg(2)} with an {@code SCM_RIGHTS} control message, which is how
 * QEMU's {@code -tpmdev emulator} backend hands the swtpm control channel the data socket ({@code
 * CMD_SET_DATAFD}). Every {@code Linker} use of the servers lives here, each call with a comment
 * naming the sizes and lifetimes it relies on; {@code errno} is captured per call.
 *
 * <p>Not here: any protocol logic. {@link io.parasol.tpm.server.sys.UnixSockets} moves bytes and
 * descriptors; the servers in {@code io.parasol.tpm.server} decide what they mean.
 */
package io.parasol.tpm.server.sys;
