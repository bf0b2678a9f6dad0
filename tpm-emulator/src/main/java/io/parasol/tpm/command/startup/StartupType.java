package io.parasol.tpm.command.startup;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.marshal.TpmReader;

/** {@code TPM_SU} (TPM 2.0 Library Part 2 §6.10). */
public enum StartupType {
  CLEAR,
  STATE;

  /** Unmarshals a {@code TPM_SU}; other values are {@code TPM_RC_VALUE}. */
  public static StartupType read(TpmReader in) throws TpmException {
    return switch (in.readU16()) {
      case 0x0000 -> CLEAR;
      case 0x0001 -> STATE;
      default -> throw new TpmException(TpmRc.VALUE);
    };
  }
}
