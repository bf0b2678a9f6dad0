package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;

/**
 * {@code TPMS_TIME_INFO} (TPM 2.0 Library Part 2 §10.11.6): what TPM2_ReadClock returns.
 *
 * @param time milliseconds since the last TPM Reset or Restart (_TPM_Init)
 */
public record TpmsTimeInfo(long time, TpmsClockInfo clockInfo) {

  public static TpmsTimeInfo read(TpmReader in) throws TpmException {
    return new TpmsTimeInfo(in.readU64(), TpmsClockInfo.read(in));
  }

  public void write(TpmWriter out) {
    out.writeU64(time);
    clockInfo.write(out);
  }
}
