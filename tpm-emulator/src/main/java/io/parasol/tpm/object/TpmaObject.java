package io.parasol.tpm.object;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;

/**
 * {@code TPMA_OBJECT} (TPM 2.0 Library Part 2 §8.3): the attribute bits of an object. Reserved bits
 * set in a command are {@code TPM_RC_RESERVED_BITS}.
 */
public final class TpmaObject {
  private TpmaObject() {}

  public static final int FIXED_TPM = 1 << 1;
  public static final int ST_CLEAR = 1 << 2;
  public static final int FIXED_PARENT = 1 << 4;
  public static final int SENSITIVE_DATA_ORIGIN = 1 << 5;
  public static final int USER_WITH_AUTH = 1 << 6;
  public static final int ADMIN_WITH_POLICY = 1 << 7;
  public static final int NO_DA = 1 << 10;
  public static final int ENCRYPTED_DUPLICATION = 1 << 11;
  public static final int RESTRICTED = 1 << 16;
  public static final int DECRYPT = 1 << 17;

  /** {@code sign} for asymmetric and keyed-hash keys, {@code encrypt} for symmetric ones. */
  public static final int SIGN_ENCRYPT = 1 << 18;

  public static final int X509_SIGN = 1 << 19;

  /** Bits 0, 3, 8, 9, 12–15 and 20–31. */
  public static final int RESERVED = 0xFFF0_F309;

  /** True if every bit of {@code bits} is set in {@code attributes}. */
  public static boolean isSet(int attributes, int bits) {
    return (attributes & bits) == bits;
  }

  /** Checks a {@code TPMA_OBJECT} read from a command. */
  public static int check(int attributes) throws TpmException {
    if ((attributes & RESERVED) != 0) {
      throw new TpmException(TpmRc.RESERVED_BITS);
    }
    return attributes;
  }
}
