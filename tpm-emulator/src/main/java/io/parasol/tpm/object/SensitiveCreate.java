package io.parasol.tpm.object;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;

/**
 * {@code TPMS_SENSITIVE_CREATE} (TPM 2.0 Library Part 2 §12.1.15), read from a {@code
 * TPM2B_SENSITIVE_CREATE}: the authValue of the new object and the data to seal or the key to
 * import into it.
 */
public record SensitiveCreate(byte[] userAuth, byte[] data) {

  public SensitiveCreate {
    userAuth = userAuth.clone();
    data = data.clone();
  }

  @Override
  public byte[] userAuth() {
    return userAuth.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** No authValue and no data. */
  public static SensitiveCreate empty() {
    return new SensitiveCreate(new byte[0], new byte[0]);
  }

  /** Unmarshals a {@code TPM2B_SENSITIVE_CREATE}. */
  public static SensitiveCreate read2B(TpmReader in) throws TpmException {
    return in.readSized(
        r -> new SensitiveCreate(r.read2B(Tpm2b.AUTH), r.read2B(Tpm2b.SENSITIVE_DATA)));
  }
}
