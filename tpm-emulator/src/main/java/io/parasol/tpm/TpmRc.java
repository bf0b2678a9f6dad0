package io.parasol.tpm;

/**
 * TPM 2.0 response codes ({@code TPM_RC}, TPM 2.0 Library Part 2 §6.6).
 *
 * <p>A response code is either format-zero (bit 7 clear: the error says nothing about where it
 * happened) or format-one (bit 7 set: bits 0–5 carry the error, and bits 6 and 8–11 say which
 * parameter, handle or session it concerns). {@link #parameter}, {@link #handle} and {@link
 * #session} build format-one codes with their numbers, for example {@code
 * TpmRc.parameter(TpmRc.VALUE, 2)} is {@code TPM_RC_VALUE + TPM_RC_P + TPM_RC_2} = {@code 0x2C4}.
 */
public final class TpmRc {
  private TpmRc() {}

  public static final int SUCCESS = 0x000;
  public static final int BAD_TAG = 0x01E;

  // Format-zero, version 2.0 errors (TPM_RC_VER1 + n), Part 2 Table 16.
  private static final int RC_VER1 = 0x100;
  public static final int INITIALIZE = RC_VER1 + 0x000;
  public static final int FAILURE = RC_VER1 + 0x001;
  public static final int SEQUENCE = RC_VER1 + 0x003;
  public static final int PRIVATE = RC_VER1 + 0x00B;
  public static final int HMAC = RC_VER1 + 0x019;
  public static final int DISABLED = RC_VER1 + 0x020;
  public static final int EXCLUSIVE = RC_VER1 + 0x021;
  public static final int AUTH_TYPE = RC_VER1 + 0x024;
  public static final int AUTH_MISSING = RC_VER1 + 0x025;
  public static final int POLICY = RC_VER1 + 0x026;
  public static final int PCR = RC_VER1 + 0x027;
  public static final int PCR_CHANGED = RC_VER1 + 0x028;
  public static final int UPGRADE = RC_VER1 + 0x02D;
  public static final int TOO_MANY_CONTEXTS = RC_VER1 + 0x02E;
  public static final int AUTH_UNAVAILABLE = RC_VER1 + 0x02F;
  public static final int REBOOT = RC_VER1 + 0x030;
  public static final int UNBALANCED = RC_VER1 + 0x031;
  public static final int COMMAND_SIZE = RC_VER1 + 0x042;
  public static final int COMMAND_CODE = RC_VER1 + 0x043;
  public static final int AUTHSIZE = RC_VER1 + 0x044;
  public static final int AUTH_CONTEXT = RC_VER1 + 0x045;
  public static final int NV_RANGE = RC_VER1 + 0x046;
  public static final int NV_SIZE = RC_VER1 + 0x047;
  public static final int NV_LOCKED = RC_VER1 + 0x048;
  public static final int NV_AUTHORIZATION = RC_VER1 + 0x049;
  public static final int NV_UNINITIALIZED = RC_VER1 + 0x04A;
  public static final int NV_SPACE = RC_VER1 + 0x04B;
  public static final int NV_DEFINED = RC_VER1 + 0x04C;
  public static final int BAD_CONTEXT = RC_VER1 + 0x050;
  public static final int CPHASH = RC_VER1 + 0x051;
  public static final int PARENT = RC_VER1 + 0x052;
  public static final int NEEDS_TEST = RC_VER1 + 0x053;
  public static final int NO_RESULT = RC_VER1 + 0x054;
  public static final int SENSITIVE = RC_VER1 + 0x055;

  // Format-one errors (TPM_RC_FMT1 + n), Part 2 Table 16.
  private static final int RC_FMT1 = 0x080;
  public static final int ASYMMETRIC = RC_FMT1 + 0x001;
  public static final int ATTRIBUTES = RC_FMT1 + 0x002;
  public static final int HASH = RC_FMT1 + 0x003;
  public static final int VALUE = RC_FMT1 + 0x004;
  public static final int HIERARCHY = RC_FMT1 + 0x005;
  public static final int KEY_SIZE = RC_FMT1 + 0x007;
  public static final int MGF = RC_FMT1 + 0x008;
  public static final int MODE = RC_FMT1 + 0x009;
  public static final int TYPE = RC_FMT1 + 0x00A;
  public static final int HANDLE = RC_FMT1 + 0x00B;
  public static final int KDF = RC_FMT1 + 0x00C;
  public static final int RANGE = RC_FMT1 + 0x00D;
  public static final int AUTH_FAIL = RC_FMT1 + 0x00E;
  public static final int NONCE = RC_FMT1 + 0x00F;
  public static final int PP = RC_FMT1 + 0x010;
  public static final int SCHEME = RC_FMT1 + 0x012;
  public static final int SIZE = RC_FMT1 + 0x015;
  public static final int SYMMETRIC = RC_FMT1 + 0x016;
  public static final int TAG = RC_FMT1 + 0x017;
  public static final int SELECTOR = RC_FMT1 + 0x018;
  public static final int INSUFFICIENT = RC_FMT1 + 0x01A;
  public static final int SIGNATURE = RC_FMT1 + 0x01B;
  public static final int KEY = RC_FMT1 + 0x01C;
  public static final int POLICY_FAIL = RC_FMT1 + 0x01D;
  public static final int INTEGRITY = RC_FMT1 + 0x01F;
  public static final int TICKET = RC_FMT1 + 0x020;
  public static final int RESERVED_BITS = RC_FMT1 + 0x021;
  public static final int BAD_AUTH = RC_FMT1 + 0x022;
  public static final int EXPIRED = RC_FMT1 + 0x023;
  public static final int POLICY_CC = RC_FMT1 + 0x024;
  public static final int BINDING = RC_FMT1 + 0x025;
  public static final int CURVE = RC_FMT1 + 0x026;
  public static final int ECC_POINT = RC_FMT1 + 0x027;

  // Warnings (TPM_RC_WARN + n), Part 2 Table 16.
  private static final int RC_WARN = 0x900;
  public static final int CONTEXT_GAP = RC_WARN + 0x001;
  public static final int OBJECT_MEMORY = RC_WARN + 0x002;
  public static final int SESSION_MEMORY = RC_WARN + 0x003;
  public static final int MEMORY = RC_WARN + 0x004;
  public static final int SESSION_HANDLES = RC_WARN + 0x005;
  public static final int OBJECT_HANDLES = RC_WARN + 0x006;
  public static final int LOCALITY = RC_WARN + 0x007;
  public static final int YIELDED = RC_WARN + 0x008;
  public static final int CANCELED = RC_WARN + 0x009;
  public static final int TESTING = RC_WARN + 0x00A;
  public static final int REFERENCE_H0 = RC_WARN + 0x010;
  public static final int REFERENCE_S0 = RC_WARN + 0x018;
  public static final int NV_RATE = RC_WARN + 0x020;
  public static final int LOCKOUT = RC_WARN + 0x021;
  public static final int RETRY = RC_WARN + 0x022;
  public static final int NV_UNAVAILABLE = RC_WARN + 0x023;

  /** {@code TPM_RC_H}: a format-one code concerns a handle. */
  public static final int RC_H = 0x000;

  /** {@code TPM_RC_P}: a format-one code concerns a parameter. */
  public static final int RC_P = 0x040;

  /** {@code TPM_RC_S}: a format-one code concerns a session. */
  public static final int RC_S = 0x800;

  /** True for a format-one code (bit 7 set). */
  public static boolean isFormatOne(int rc) {
    return (rc & RC_FMT1) != 0;
  }

  /** True if a format-one code already says which parameter, handle or session it concerns. */
  public static boolean hasNumber(int rc) {
    return isFormatOne(rc) && (rc & 0xF40) != 0;
  }

  /** The error number of a format-one code without its parameter/handle/session number. */
  public static int baseCode(int rc) {
    return isFormatOne(rc) ? rc & 0xBF : rc;
  }

  /**
   * {@code rc + TPM_RC_P + TPM_RC_n}: a format-one error concerning parameter {@code n} (1–15).
   * Format-zero codes are returned unchanged, as they carry no number.
   */
  public static int parameter(int rc, int n) {
    checkNumber(n, 15);
    return isFormatOne(rc) ? baseCode(rc) | RC_P | (n << 8) : rc;
  }

  /**
   * {@code rc + TPM_RC_H + TPM_RC_n}: a format-one error concerning handle {@code n} (1–7).
   * Format-zero codes are returned unchanged.
   */
  public static int handle(int rc, int n) {
    checkNumber(n, 7);
    return isFormatOne(rc) ? baseCode(rc) | RC_H | (n << 8) : rc;
  }

  /**
   * {@code rc + TPM_RC_S + TPM_RC_n}: a format-one error concerning session {@code n} (1–7).
   * Format-zero codes are returned unchanged.
   */
  public static int session(int rc, int n) {
    checkNumber(n, 7);
    return isFormatOne(rc) ? baseCode(rc) | RC_S | (n << 8) : rc;
  }

  private static void checkNumber(int n, int max) {
    if (n < 1 || n > max) {
      throw new IllegalArgumentException("response-code number " + n + " is not 1–" + max);
    }
  }

  /** A readable rendering for logs and test messages, e.g. {@code "0x2C4 (VALUE, parameter 2)"}. */
  public static String describe(int rc) {
    StringBuilder sb = new StringBuilder(String.format("0x%03X", rc));
    int base = baseCode(rc);
    String name = nameOf(base);
    sb.append(" (").append(name == null ? "?" : name);
    if (hasNumber(rc)) {
      int n = (rc >> 8) & 0xF;
      if ((rc & RC_P) != 0) {
        sb.append(", parameter ").append(n);
      } else if ((rc & RC_S) != 0) {
        sb.append(", session ").append(n & 7);
      } else {
        sb.append(", handle ").append(n & 7);
      }
    }
    return sb.append(')').toString();
  }

  private static String nameOf(int rc) {
    for (var field : TpmRc.class.getFields()) {
      try {
        if (field.getType() == int.class
            && field.getInt(null) == rc
            && !field.getName().startsWith("RC_")) {
          return field.getName();
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return null;
  }
}
