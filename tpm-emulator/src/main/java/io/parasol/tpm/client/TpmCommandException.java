package io.parasol.tpm.client;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmRc;

/** A command the platform sent was answered with an error response code, or not understood. */
public final class TpmCommandException extends Exception {
  private final int rc;

  TpmCommandException(int commandCode, int rc) {
    super("TPM2_" + TpmCc.name(commandCode) + " failed: " + TpmRc.describe(rc));
    this.rc = rc;
  }

  TpmCommandException(int commandCode, String problem) {
    super("TPM2_" + TpmCc.name(commandCode) + " answered with " + problem);
    this.rc = -1;
  }

  /** The response code, or -1 when the response itself was malformed. */
  public int rc() {
    return rc;
  }
}
