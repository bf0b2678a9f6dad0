package io.parasol.tpm.session;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;

/** {@code TPM_SE} (TPM 2.0 Library Part 2 §6.11): the kind of an authorisation session. */
public enum SessionType {
  HMAC(0x00),
  POLICY(0x01),
  TRIAL(0x03);

  private final int value;

  SessionType(int value) {
    this.value = value;
  }

  /** The {@code TPM_SE} value. */
  public int value() {
    return value;
  }

  /** The session type of a {@code TPM_SE}; anything else is {@code TPM_RC_VALUE}. */
  public static SessionType of(int value) throws TpmException {
    for (SessionType t : values()) {
      if (t.value == value) {
        return t;
      }
    }
    throw new TpmException(TpmRc.VALUE);
  }
}
