package io.parasol.tpm.command.attestation;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.object.TpmtScheme;

/** Unmarshalling of the parameters the attestation commands share. */
public final class AttestParameters {
  private AttestParameters() {}

  /** {@code TPM2B_DATA qualifyingData}. */
  public static byte[] qualifyingData(TpmReader in, int n) throws TpmException {
    return in.parameter(n, r -> r.read2B(Tpm2b.DATA));
  }

  /**
   * The parameters of the attestation commands that take only {@code qualifyingData} and {@code
   * inScheme} (Certify, GetTime, GetSessionAuditDigest, GetCommandAuditDigest).
   */
  public record Plain(byte[] qualifyingData, TpmtScheme inScheme) {
    /** Reads them as parameters 1 and 2. */
    public static Plain read(TpmReader in) throws TpmException {
      return new Plain(AttestParameters.qualifyingData(in, 1), AttestParameters.inScheme(in, 2));
    }
  }

  /** {@code TPMT_SIG_SCHEME+ inScheme}. */
  public static TpmtScheme inScheme(TpmReader in, int n) throws TpmException {
    return in.parameter(n, r -> TpmtScheme.read(r, TpmtScheme.SIGNATURE, true, TpmRc.SCHEME));
  }
}
