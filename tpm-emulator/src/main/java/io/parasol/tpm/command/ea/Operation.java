package io.parasol.tpm.command.ea;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.marshal.TpmReader;

/**
 * {@code TPM_EO} (TPM 2.0 Library Part 2 §6.8): how TPM2_PolicyNV and TPM2_PolicyCounterTimer
 * compare {@code operandA} (TPM data) with {@code operandB} (the caller's), both big-endian
 * integers of the same length (two's complement for the signed comparisons).
 */
enum Operation {
  EQ,
  NEQ,
  SIGNED_GT,
  UNSIGNED_GT,
  SIGNED_LT,
  UNSIGNED_LT,
  SIGNED_GE,
  UNSIGNED_GE,
  SIGNED_LE,
  UNSIGNED_LE,
  BITSET,
  BITCLEAR;

  /** The {@code TPM_EO} value. */
  int code() {
    return ordinal();
  }

  /** Unmarshals a {@code TPM_EO}; unknown values are {@code TPM_RC_VALUE}. */
  static Operation read(TpmReader in) throws TpmException {
    int v = in.readU16();
    if (v >= values().length) {
      throw new TpmException(TpmRc.VALUE);
    }
    return values()[v];
  }

  /**
   * {@code PolicySptCheckCondition}: does {@code a <op> b} hold? Both arrays have the same length.
   */
  boolean holds(byte[] a, byte[] b) {
    return switch (this) {
      case EQ -> compareUnsigned(a, b) == 0;
      case NEQ -> compareUnsigned(a, b) != 0;
      case SIGNED_GT -> compareSigned(a, b) > 0;
      case UNSIGNED_GT -> compareUnsigned(a, b) > 0;
      case SIGNED_LT -> compareSigned(a, b) < 0;
      case UNSIGNED_LT -> compareUnsigned(a, b) < 0;
      case SIGNED_GE -> compareSigned(a, b) >= 0;
      case UNSIGNED_GE -> compareUnsigned(a, b) >= 0;
      case SIGNED_LE -> compareSigned(a, b) <= 0;
      case UNSIGNED_LE -> compareUnsigned(a, b) <= 0;
      case BITSET -> {
        for (int i = 0; i < a.length; i++) {
          if ((a[i] & b[i]) != b[i]) {
            yield false;
          }
        }
        yield true;
      }
      case BITCLEAR -> {
        for (int i = 0; i < a.length; i++) {
          if ((a[i] & b[i]) != 0) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  private static int compareUnsigned(byte[] a, byte[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = Integer.compare(a[i] & 0xFF, b[i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int compareSigned(byte[] a, byte[] b) {
    if (a.length == 0) {
      return 0;
    }
    boolean aNegative = a[0] < 0;
    boolean bNegative = b[0] < 0;
    if (aNegative != bNegative) {
      return aNegative ? -1 : 1;
    }
    // Same sign: two's complement orders like unsigned.
    return compareUnsigned(a, b);
  }
}
