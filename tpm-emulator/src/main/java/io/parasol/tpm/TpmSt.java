package io.parasol.tpm;

/** Structure tags ({@code TPM_ST}, TPM 2.0 Library Part 2 §6.9, Table 19). */
public final class TpmSt {
  private TpmSt() {}

  /**
   * The tag of a response to a command whose tag was bad: what a TPM 1.2 also answers, so that TPM
   * 1.2 software sees an error it understands.
   */
  public static final int RSP_COMMAND = 0x00C4;

  public static final int NULL = 0x8000;
  public static final int NO_SESSIONS = 0x8001;
  public static final int SESSIONS = 0x8002;
  public static final int ATTEST_NV = 0x8014;
  public static final int ATTEST_COMMAND_AUDIT = 0x8015;
  public static final int ATTEST_SESSION_AUDIT = 0x8016;
  public static final int ATTEST_CERTIFY = 0x8017;
  public static final int ATTEST_QUOTE = 0x8018;
  public static final int ATTEST_TIME = 0x8019;
  public static final int ATTEST_CREATION = 0x801A;
  public static final int ATTEST_NV_DIGEST = 0x801C;
  public static final int CREATION = 0x8021;
  public static final int VERIFIED = 0x8022;
  public static final int AUTH_SECRET = 0x8023;
  public static final int HASHCHECK = 0x8024;
  public static final int AUTH_SIGNED = 0x8025;
  public static final int FU_MANIFEST = 0x8029;
}
