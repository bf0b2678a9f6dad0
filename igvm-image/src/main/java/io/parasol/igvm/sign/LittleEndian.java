package io.parasol.igvm.sign;

import java.math.BigInteger;

/** Unsigned big integers in SNP's little-endian, zero-padded fields. */
final class LittleEndian {
  private LittleEndian() {}

  static void put(BigInteger value, byte[] out, int at, int size) {
    byte[] be = value.toByteArray();
    int n = 0;
    for (int i = be.length - 1; i >= 0 && n < size; i--, n++) {
      out[at + n] = be[i];
    }
    for (int i = 0; i < be.length - size; i++) {
      if (be[i] != 0) {
        throw new IllegalArgumentException("the value does not fit " + size + " bytes");
      }
    }
  }

  static BigInteger get(byte[] in, int at, int size) {
    byte[] be = new byte[size + 1];
    for (int i = 0; i < size; i++) {
      be[size - i] = in[at + i];
    }
    return new BigInteger(be);
  }
}
