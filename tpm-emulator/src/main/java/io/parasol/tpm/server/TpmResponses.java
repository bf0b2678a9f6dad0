package io.parasol.tpm.server;

import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;

/**
 * The few TPM 2.0 responses the servers produce themselves (TPM 2.0 Part 2 §6.9 TPM_ST, §6.6
 * TPM_RC): a response header with an error code and no parameters, for when no command reaches the
 * engine (powered off, stopped, failure mode, an unsupported locality). The values are the engine's
 * own constants, named here as the wire protocols' documents name them.
 */
final class TpmResponses {
  /** TPM_ST_NO_SESSIONS. */
  static final int TPM_ST_NO_SESSIONS = TpmSt.NO_SESSIONS;

  /** TPM_ST_SESSIONS. */
  static final int TPM_ST_SESSIONS = TpmSt.SESSIONS;

  /** TPM_RC_FAILURE: the TPM is in failure mode, or not running. */
  static final int TPM_RC_FAILURE = TpmRc.FAILURE;

  /** TPM_RC_LOCALITY (a warning, RC_WARN + 0x007): the command's locality is not allowed. */
  static final int TPM_RC_LOCALITY = TpmRc.LOCALITY;

  /** The size of a command or response header: tag, size, code. */
  static final int HEADER_BYTES = TpmLimits.HEADER_SIZE;

  private TpmResponses() {}

  /** A 10-byte {@code TPM_ST_NO_SESSIONS} response carrying {@code responseCode}. */
  static byte[] error(int responseCode) {
    byte[] r = new byte[HEADER_BYTES];
    r[0] = (byte) (TPM_ST_NO_SESSIONS >>> 8);
    r[1] = (byte) TPM_ST_NO_SESSIONS;
    putU32(r, 2, HEADER_BYTES);
    putU32(r, 6, responseCode);
    return r;
  }

  /** True for the two TPM 2.0 tags, {@code TPM_ST_NO_SESSIONS} and {@code TPM_ST_SESSIONS}. */
  static boolean isTpm2Tag(int tag) {
    return tag == TPM_ST_NO_SESSIONS || tag == TPM_ST_SESSIONS;
  }

  /** The command or response code at offset 6, or 0 if {@code message} is shorter than a header. */
  static int code(byte[] message) {
    return message.length < HEADER_BYTES ? 0 : getU32(message, 6);
  }

  static void putU32(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 24);
    b[offset + 1] = (byte) (value >>> 16);
    b[offset + 2] = (byte) (value >>> 8);
    b[offset + 3] = (byte) value;
  }

  static int getU32(byte[] b, int offset) {
    return ((b[offset] & 0xFF) << 24)
        | ((b[offset + 1] & 0xFF) << 16)
        | ((b[offset + 2] & 0xFF) << 8)
        | (b[offset + 3] & 0xFF);
  }
}
