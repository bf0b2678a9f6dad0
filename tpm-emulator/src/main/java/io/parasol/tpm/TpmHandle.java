package io.parasol.tpm;

/**
 * Handles and handle ranges (TPM 2.0 Library Part 2 §7: {@code TPM_HT} §7.2, {@code TPM_RH} §7.4,
 * {@code TPM_HC} §7.5).
 *
 * <p>The most significant octet of a handle is its type ({@link #type}); the rest is an index in
 * that type's range.
 */
public final class TpmHandle {
  private TpmHandle() {}

  // TPM_HT, Part 2 Table 27.
  public static final int HT_PCR = 0x00;
  public static final int HT_NV_INDEX = 0x01;
  public static final int HT_HMAC_SESSION = 0x02;
  public static final int HT_POLICY_SESSION = 0x03;
  public static final int HT_PERMANENT = 0x40;
  public static final int HT_TRANSIENT = 0x80;
  public static final int HT_PERSISTENT = 0x81;
  public static final int HT_AC = 0x90;

  // TPM_RH and TPM_RS, Part 2 Table 28.
  public static final int RH_OWNER = 0x4000_0001;
  public static final int RH_REVOKE = 0x4000_0002;
  public static final int RH_TRANSPORT = 0x4000_0003;
  public static final int RH_OPERATOR = 0x4000_0004;
  public static final int RH_ADMIN = 0x4000_0005;
  public static final int RH_EK = 0x4000_0006;
  public static final int RH_NULL = 0x4000_0007;
  public static final int RH_UNASSIGNED = 0x4000_0008;
  public static final int RS_PW = 0x4000_0009;
  public static final int RH_LOCKOUT = 0x4000_000A;
  public static final int RH_ENDORSEMENT = 0x4000_000B;
  public static final int RH_PLATFORM = 0x4000_000C;
  public static final int RH_PLATFORM_NV = 0x4000_000D;
  public static final int RH_AUTH_00 = 0x4000_0010;
  public static final int RH_AUTH_FF = 0x4000_010F;

  // TPM_HC, Part 2 Table 29.
  public static final int PCR_FIRST = 0x0000_0000;
  public static final int NV_INDEX_FIRST = 0x0100_0000;
  public static final int NV_INDEX_LAST = 0x01FF_FFFF;
  public static final int HMAC_SESSION_FIRST = 0x0200_0000;
  public static final int HMAC_SESSION_LAST = 0x02FF_FFFF;
  public static final int POLICY_SESSION_FIRST = 0x0300_0000;
  public static final int POLICY_SESSION_LAST = 0x03FF_FFFF;
  public static final int TRANSIENT_FIRST = 0x8000_0000;
  public static final int TRANSIENT_LAST = 0x80FF_FFFF;
  public static final int PERSISTENT_FIRST = 0x8100_0000;
  public static final int PERSISTENT_LAST = 0x81FF_FFFF;

  /** The first persistent handle the platform owns (Part 2 §7.5: {@code PLATFORM_PERSISTENT}). */
  public static final int PLATFORM_PERSISTENT = 0x8180_0000;

  /** The handle type: the most significant octet. */
  public static int type(int handle) {
    return handle >>> 24;
  }

  /** True for a PCR handle; whether that PCR exists depends on the platform. */
  public static boolean isPcr(int handle) {
    return type(handle) == HT_PCR;
  }

  /** True for a handle in the NV index range. */
  public static boolean isNvIndex(int handle) {
    return type(handle) == HT_NV_INDEX;
  }

  /** True for an HMAC or policy session handle. */
  public static boolean isSession(int handle) {
    int t = type(handle);
    return t == HT_HMAC_SESSION || t == HT_POLICY_SESSION;
  }

  /** True for a transient object handle. */
  public static boolean isTransient(int handle) {
    return type(handle) == HT_TRANSIENT;
  }

  /** True for a persistent object handle. */
  public static boolean isPersistent(int handle) {
    return type(handle) == HT_PERSISTENT;
  }

  /** True for a permanent handle (a hierarchy, {@code TPM_RS_PW}, {@code TPM_RH_NULL}...). */
  public static boolean isPermanent(int handle) {
    return type(handle) == HT_PERMANENT;
  }

  /** {@code "0x81000001"}: how handles appear in logs and messages. */
  public static String toString(int handle) {
    return String.format("0x%08X", handle);
  }
}
