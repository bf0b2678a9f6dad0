package io.parasol.tpm;

/**
 * A TPM 2.0 as its interfaces see it: command bytes in, response bytes out.
 *
 * <p>{@link #execute} always returns a well-formed TPM response (a 10-byte header at least), for
 * any input whatever: a malformed command is answered with a {@code TPM_RC_*} response code, never
 * with an exception. Implementations serialise commands; callers may call from any thread.
 */
public interface TpmEngine {

  /** Runs one command received at {@code locality} and returns its response. */
  byte[] execute(Locality locality, byte[] command);
}
