package io.parasol.tpm;

import io.parasol.tpm.marshal.TpmReader;
import java.util.Arrays;

/** A parsed TPM response for tests: tag, size, code, and a reader over the rest. */
public record TpmResponse(int tag, int size, int rc, byte[] bytes) {

  public static TpmResponse parse(byte[] response) {
    if (response.length < 10) {
      throw new AssertionError("response shorter than a header: " + response.length);
    }
    TpmReader r = new TpmReader(response);
    try {
      return new TpmResponse(r.readU16(), r.readU32(), r.readU32(), response);
    } catch (TpmException e) {
      throw new AssertionError(e);
    }
  }

  /** A reader positioned after the header. */
  public TpmReader body() {
    return new TpmReader(bytes, 10, bytes.length - 10);
  }

  /** The bytes after the header. */
  public byte[] bodyBytes() {
    return Arrays.copyOfRange(bytes, 10, bytes.length);
  }

  @Override
  public String toString() {
    return String.format("TpmResponse[tag=0x%04X size=%d rc=%s]", tag, size, TpmRc.describe(rc));
  }
}
