package io.parasol.tpm.nv;

/**
 * {@code TPMA_NV} (TPM 2.0 Library Part 2 §13.4): the attribute bits of an NV index, and the index
 * type {@code TPM_NT} (Part 2 §13.2) held in bits 7:4.
 */
public final class TpmaNv {
  private TpmaNv() {}

  /** The index may be written with platform authorisation. */
  public static final int PPWRITE = 1;

  /** The index may be written with owner authorisation. */
  public static final int OWNERWRITE = 1 << 1;

  /** The index may be written with its authValue (password or HMAC). */
  public static final int AUTHWRITE = 1 << 2;

  /** The index may be written with its authPolicy. */
  public static final int POLICYWRITE = 1 << 3;

  /** Bits 7:4: the {@code TPM_NT}. */
  public static final int TPM_NT_MASK = 0xF0;

  /** The index can be deleted only with TPM2_NV_UndefineSpaceSpecial and its policy. */
  public static final int POLICY_DELETE = 1 << 10;

  /** The index cannot be written now. */
  public static final int WRITELOCKED = 1 << 11;

  /** A partial write of the data area is not allowed. */
  public static final int WRITEALL = 1 << 12;

  /** TPM2_NV_WriteLock may lock the index until it is deleted (if written). */
  public static final int WRITEDEFINE = 1 << 13;

  /** TPM2_NV_WriteLock may lock the index until the next TPM Reset or Restart. */
  public static final int WRITE_STCLEAR = 1 << 14;

  /** TPM2_NV_GlobalWriteLock locks this index. */
  public static final int GLOBALLOCK = 1 << 15;

  /** The index may be read with platform authorisation. */
  public static final int PPREAD = 1 << 16;

  /** The index may be read with owner authorisation. */
  public static final int OWNERREAD = 1 << 17;

  /** The index may be read with its authValue. */
  public static final int AUTHREAD = 1 << 18;

  /** The index may be read with its authPolicy. */
  public static final int POLICYREAD = 1 << 19;

  /** Authorisation failures of the index do not count toward dictionary-attack lockout. */
  public static final int NO_DA = 1 << 25;

  /** The data may be kept in RAM and written to NV on orderly shutdown only. */
  public static final int ORDERLY = 1 << 26;

  /** {@link #WRITTEN} is cleared by TPM Reset and TPM Restart. */
  public static final int CLEAR_STCLEAR = 1 << 27;

  /** The index cannot be read now. */
  public static final int READLOCKED = 1 << 28;

  /** The index has been written. */
  public static final int WRITTEN = 1 << 29;

  /** The index was defined with platform authorisation and belongs to the platform hierarchy. */
  public static final int PLATFORMCREATE = 1 << 30;

  /** TPM2_NV_ReadLock may lock the index until the next TPM Reset or Restart. */
  public static final int READ_STCLEAR = 1 << 31;

  /** Bits 9:8 and 24:20 are reserved ({@code TPM_RC_RESERVED_BITS}). */
  public static final int RESERVED = 0x0000_0300 | 0x01F0_0000;

  // TPM_NT, Part 2 Table 205.
  /** {@code TPM_NT_ORDINARY}: data written with TPM2_NV_Write. */
  public static final int NT_ORDINARY = 0x0;

  /** {@code TPM_NT_COUNTER}: a 64-bit counter moved only by TPM2_NV_Increment. */
  public static final int NT_COUNTER = 0x1;

  /** {@code TPM_NT_BITS}: a 64-bit bit field set by TPM2_NV_SetBits. */
  public static final int NT_BITS = 0x2;

  /** {@code TPM_NT_EXTEND}: a digest changed only by TPM2_NV_Extend. */
  public static final int NT_EXTEND = 0x4;

  /** {@code TPM_NT_PIN_FAIL}: {@code pinCount || pinLimit}; each failed use counts. */
  public static final int NT_PIN_FAIL = 0x8;

  /** {@code TPM_NT_PIN_PASS}: {@code pinCount || pinLimit}; each successful use counts. */
  public static final int NT_PIN_PASS = 0x9;

  /** The {@code TPM_NT} of {@code attributes}. */
  public static int type(int attributes) {
    return (attributes & TPM_NT_MASK) >>> 4;
  }

  /** {@code attributes} with its {@code TPM_NT} set to {@code type}. */
  public static int withType(int attributes, int type) {
    return (attributes & ~TPM_NT_MASK) | ((type << 4) & TPM_NT_MASK);
  }

  /** True if every bit of {@code bits} is set in {@code attributes}. */
  public static boolean isSet(int attributes, int bits) {
    return (attributes & bits) == bits;
  }

  /** True for an implemented {@code TPM_NT}. */
  public static boolean isImplementedType(int type) {
    return switch (type) {
      case NT_ORDINARY, NT_COUNTER, NT_BITS, NT_EXTEND, NT_PIN_FAIL, NT_PIN_PASS -> true;
      default -> false;
    };
  }
}
