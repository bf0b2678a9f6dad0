package io.parasol.tpm.pcr;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmLimits;

/**
 * What each PCR allows, per the TCG PC Client Platform TPM Profile (PTP) for TPM 2.0 §4.6 ("PCR
 * Attributes"): whether it is saved by Shutdown(STATE), at which localities it may be reset and
 * extended, and the groups GetCapability(TPM_CAP_PCR_PROPERTIES) reports.
 *
 * @param stateSave restored by Startup(STATE) ({@code TPM_PT_PCR_SAVE})
 * @param resetLocalities bit {@code n} set: resettable at locality {@code n}
 * @param extendLocalities bit {@code n} set: extendable at locality {@code n}
 * @param noIncrement changes do not bump {@code pcrUpdateCounter} ({@code TPM_PT_PCR_NO_INCREMENT})
 */
public record PcrAttributes(
    boolean stateSave, int resetLocalities, int extendLocalities, boolean noIncrement) {

  private static final PcrAttributes[] PC_CLIENT = new PcrAttributes[TpmLimits.IMPLEMENTATION_PCR];

  static {
    // PCR 0–15: static RTM, saved, never reset, extended at any locality.
    for (int i = 0; i < 16; i++) {
      PC_CLIENT[i] = new PcrAttributes(true, 0x00, 0x1F, false);
    }
    PC_CLIENT[16] = new PcrAttributes(false, 0x0F, 0x1F, true); // debug
    PC_CLIENT[17] = new PcrAttributes(false, 0x10, 0x1C, false); // DRTM, locality 4
    PC_CLIENT[18] = new PcrAttributes(false, 0x10, 0x1C, false); // DRTM, locality 3
    PC_CLIENT[19] = new PcrAttributes(false, 0x10, 0x0C, false); // DRTM, locality 2 (trusted OS)
    PC_CLIENT[20] = new PcrAttributes(false, 0x14, 0x0E, false); // DRTM, locality 1 (trusted OS)
    PC_CLIENT[21] = new PcrAttributes(false, 0x14, 0x04, true); // dynamic OS
    PC_CLIENT[22] = new PcrAttributes(false, 0x14, 0x04, true); // dynamic OS
    PC_CLIENT[23] = new PcrAttributes(false, 0x0F, 0x1F, true); // application
  }

  /** The PC Client attributes of PCR {@code pcr} (0–23). */
  public static PcrAttributes of(int pcr) {
    return PC_CLIENT[pcr];
  }

  /** True if PCR_Reset at {@code locality} may reset this PCR. */
  public boolean resettableAt(Locality locality) {
    return (resetLocalities & (1 << locality.number())) != 0;
  }

  /** True if PCR_Extend and PCR_Event at {@code locality} may extend this PCR. */
  public boolean extendableAt(Locality locality) {
    return (extendLocalities & (1 << locality.number())) != 0;
  }

  /**
   * True for the PCRs a dynamic launch resets ({@code TPM_PT_PCR_DRTM_RESET}); they start as all
   * ones after Startup, so that a value of zero proves a dynamic launch happened.
   */
  public boolean drtmReset() {
    return (resetLocalities & 0x10) != 0;
  }
}
