package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;

/**
 * {@code TPMS_CLOCK_INFO} (TPM 2.0 Library Part 2 §10.11.1).
 *
 * @param clock milliseconds the TPM has been powered since it was last cleared (persistent)
 * @param resetCount TPM Resets since the last Clear
 * @param restartCount TPM Restarts and Resumes since the last Reset
 * @param safe true if {@code clock} has not been reported lower than it was
 */
public record TpmsClockInfo(long clock, int resetCount, int restartCount, boolean safe) {

  public static TpmsClockInfo read(TpmReader in) throws TpmException {
    return new TpmsClockInfo(in.readU64(), in.readU32(), in.readU32(), in.readYesNo());
  }

  public void write(TpmWriter out) {
    out.writeU64(clock).writeU32(resetCount).writeU32(restartCount).writeYesNo(safe);
  }
}
