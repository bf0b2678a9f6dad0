package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;

/**
 * {@code TPMS_AUTH_RESPONSE} (TPM 2.0 Library Part 2 §10.13.2): one session of a response's
 * authorisation area.
 *
 * @param nonce the TPM's new nonce ({@code nonceTPM}), empty for a password session
 * @param attributes {@code TPMA_SESSION}
 * @param hmac the response HMAC, empty for a password session
 */
public record TpmsAuthResponse(byte[] nonce, int attributes, byte[] hmac) {

  public static TpmsAuthResponse read(TpmReader in) throws TpmException {
    byte[] nonce = in.read2B(Tpm2b.NONCE);
    int attributes = in.readU8();
    byte[] hmac = in.read2B(Tpm2b.AUTH);
    return new TpmsAuthResponse(nonce, attributes, hmac);
  }

  public void write(TpmWriter out) {
    out.write2B(nonce).writeU8(attributes).write2B(hmac);
  }
}
