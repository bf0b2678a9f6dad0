/**
 * The socket servers through which TPM 2.0 software reaches Parasol's vTPM: {@link
 * io.parasol.tpm.server.MssimServer} speaks the Microsoft simulator protocol (tpm2-tss {@code
 * mssim:} TCTI, IBM TSS {@code socsim}), {@link io.parasol.tpm.server.SwtpmServer} the swtpm socket
 * protocol (tpm2-tss {@code swtpm:} TCTI, QEMU {@code -tpmdev emulator}). Both sit in front of one
 * {@link io.parasol.tpm.server.SerializedTpm}, which serialises every command and platform signal,
 * over TCP or {@code AF_UNIX} stream sockets ({@link io.parasol.tpm.server.Endpoint}).
 *
 * <p>Clients are untrusted: every length is bounded, every frame is checked, and a client that
 * breaks the protocol loses its connection (logged at a limited rate), never the server. The wire
 * facts, measured against real clients, are in {@code shared/reference/tpm-wire-protocols.md}.
 *
 * <p>Not here: the TPM itself ({@link io.parasol.tpm.TpmEngine}, {@link
 * io.parasol.tpm.TpmPlatform}) and the command line that starts the servers ({@code parasol tpm
 * serve} in host-tools). The restricted FFM calls needed for descriptor passing are in {@code
 * io.parasol.tpm.server.sys}.
 */
package io.parasol.tpm.server;
