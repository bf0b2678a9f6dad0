package io.parasol.tpm.command.integrity;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.pcr.PcrAttributes;

/** The checks and bookkeeping every PCR-changing command shares. */
public final class PcrLocality {
  private PcrLocality() {}

  /** {@code TPM_RC_LOCALITY} unless PCR {@code pcr} may be extended at {@code locality}. */
  public static void checkExtend(int pcr, Locality locality) throws TpmException {
    if (!PcrAttributes.of(pcr).extendableAt(locality)) {
      throw new TpmException(TpmRc.LOCALITY);
    }
  }

  /** {@code TPM_RC_LOCALITY} unless PCR {@code pcr} may be reset at {@code locality}. */
  public static void checkReset(int pcr, Locality locality) throws TpmException {
    if (!PcrAttributes.of(pcr).resettableAt(locality)) {
      throw new TpmException(TpmRc.LOCALITY);
    }
  }

  /** A state-saved PCR changed: what a Shutdown(STATE) saved is stale now. */
  public static void changed(TpmState state, int pcr) {
    if (PcrAttributes.of(pcr).stateSave()) {
      state.clearOrderly();
    }
  }
}
