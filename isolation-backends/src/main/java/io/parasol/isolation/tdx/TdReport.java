package io.parasol.isolation.tdx;

import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.util.Arrays;

/**
 * A TDREPORT_STRUCT (Intel TDX Module ABI, 1024 bytes) as {@code TDG.MR.REPORT} returns it:
 * REPORTMACSTRUCT (256), TEE_TCB_INFO (239, padded to 256), TDINFO (512 from offset 512). It is
 * MAC'd with a CPU key, so it can be checked only on the platform; off the platform it is
 * trustworthy only when a signed quote carries the same values.
 */
public final class TdReport {
  /** Size of a TDREPORT. */
  public static final int SIZE = 1024;

  private final byte[] bytes;

  private TdReport(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Parses a TDREPORT from the first 1024 bytes of {@code data}. */
  public static TdReport parse(byte[] data) throws MalformedEvidenceException {
    if (data.length < SIZE) {
      throw new MalformedEvidenceException(
          "a TDREPORT is " + SIZE + " bytes, but only " + data.length + " were given");
    }
    if (data[0] != (byte) 0x81) {
      throw new MalformedEvidenceException(
          String.format("the TDREPORT has TEE type 0x%02x, not TDX (0x81)", data[0] & 0xFF));
    }
    return new TdReport(Arrays.copyOf(data, SIZE));
  }

  /** REPORTMACSTRUCT.REPORTDATA. */
  public byte[] reportData() {
    return slice(128, 64);
  }

  public long tdAttributes() {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (bytes[512 + i] & 0xFF);
    }
    return v;
  }

  public byte[] mrTd() {
    return slice(528, 48);
  }

  /** RTMR {@code index} (0-3). */
  public byte[] rtmr(int index) {
    if (index < 0 || index > 3) {
      throw new IllegalArgumentException("RTMR index " + index);
    }
    return slice(720 + 48 * index, 48);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  private byte[] slice(int offset, int length) {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }
}
