/**
 * The vTPM's persistent state, sealed: one versioned file per vTPM, encrypted and authenticated
 * with AES-256-GCM, replaced atomically, and checked against a monotonic counter so that a replayed
 * older file is refused.
 *
 * <p>{@link io.parasol.tpm.state.TpmStateStore} is the entry point: {@code open(dir, keyProvider,
 * counter)}, {@code load()}, {@code save(payload)}. The payload is opaque here: it is whatever the
 * engine serialises its NV and hierarchy state to. The key comes from a {@link
 * io.parasol.tpm.state.TpmStateKeyProvider} ({@link io.parasol.tpm.state.KeyFileStateKeyProvider}
 * for now), the last-seen generation from a {@link io.parasol.tpm.state.MonotonicCounter} ({@link
 * io.parasol.tpm.state.AnchorFileCounter} for now). The file formats are in {@code
 * src/main/proto/sealed_state.proto}.
 *
 * <p>This package is not the TPM's NV model (TPM 2.0 Library Part 1 §37 describes what NV holds;
 * the engine owns that): it stores bytes and knows nothing of TPM structures. The TPM specification
 * leaves the protection of NV at rest to the platform; this package is that platform service.
 */
package io.parasol.tpm.state;
