package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;

/**
 * {@code TPMS_AUTH_COMMAND} (TPM 2.0 Library Part 2 §10.13.1): one session of a command's
 * authorisation area.
 *
 * @param sessionHandle {@code TPM_RS_PW} or an HMAC/policy session handle
 * @param nonce the caller's nonce ({@code nonceCaller})
 * @param attributes {@code TPMA_SESSION}
 * @param hmac the password, HMAC or (policy) empty buffer
 */
public record TpmsAuthCommand(int sessionHandle, byte[] nonce, int attributes, byte[] hmac) {

  /** Unmarshals, without checking the handle or attributes (the session code does that). */
  public static TpmsAuthCommand read(TpmReader in) throws TpmException {
    int handle = in.readU32();
    byte[] nonce = in.read2B(Tpm2b.NONCE);
    int attributes = in.readU8();
    byte[] hmac = in.read2B(Tpm2b.AUTH);
    return new TpmsAuthCommand(handle, nonce, attributes, hmac);
  }

  public void write(TpmWriter out) {
    out.writeU32(sessionHandle).write2B(nonce).writeU8(attributes).write2B(hmac);
  }
}
