package io.parasol.tpm.session;

/** {@code TPMA_SESSION} bits (TPM 2.0 Library Part 2 §8.4). */
public final class SessionAttributes {
  private SessionAttributes() {}

  public static final int CONTINUE_SESSION = 0x01;
  public static final int AUDIT_EXCLUSIVE = 0x02;
  public static final int AUDIT_RESET = 0x04;

  /** Bits 3 and 4 are reserved and must be clear. */
  public static final int RESERVED = 0x18;

  public static final int DECRYPT = 0x20;
  public static final int ENCRYPT = 0x40;
  public static final int AUDIT = 0x80;

  /** True if {@code bit} is set in {@code attributes}. */
  public static boolean isSet(int attributes, int bit) {
    return (attributes & bit) != 0;
  }
}
