package io.parasol.tpm.crypto;

import java.math.BigInteger;

/** Conversions between non-negative {@link BigInteger}s and fixed-size big-endian bytes. */
final class BigIntegers {
  private BigIntegers() {}

  /** {@code value} as exactly {@code length} big-endian bytes (I2OSP, RFC 8017 4.1). */
  static byte[] toFixed(BigInteger value, int length) {
    if (value.signum() < 0 || value.bitLength() > length * 8) {
      throw new IllegalArgumentException("value does not fit in " + length + " bytes");
    }
    byte[] raw = value.toByteArray();
    if (raw.length == length) {
      return raw;
    }
    byte[] out = new byte[length];
    if (raw.length > length) {
      // a leading sign byte
      System.arraycopy(raw, raw.length - length, out, 0, length);
    } else {
      System.arraycopy(raw, 0, out, length - raw.length, raw.length);
    }
    return out;
  }
}
