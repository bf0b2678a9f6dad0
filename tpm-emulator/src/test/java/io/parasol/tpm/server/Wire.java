package io.parasol.tpm.server;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Byte strings for protocol tests: big-endian fields, TPM commands and responses. */
final class Wire {
  private Wire() {}

  /** Concatenates u32 values (big-endian). */
  static byte[] u32(long... values) {
    byte[] b = new byte[4 * values.length];
    for (int i = 0; i < values.length; i++) {
      TpmResponses.putU32(b, 4 * i, (int) values[i]);
    }
    return b;
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** TPM2_Startup(TPM_SU_CLEAR): TPM 2.0 Part 3 §9.3. */
  static byte[] startupClear() {
    return hex("8001 0000000c 00000144 0000");
  }

  /** TPM2_GetRandom(bytesRequested): TPM 2.0 Part 3 §16.1. */
  static byte[] getRandom(int bytes) {
    return concat(hex("8001 0000000c 0000017b"), new byte[] {(byte) (bytes >>> 8), (byte) bytes});
  }

  /** A command the fake answers with its locality and code (TPM2_ReadClock, Part 3 §29.1). */
  static byte[] readClock() {
    return hex("8001 0000000a 00000181");
  }

  /** A header-only response with {@code rc}, or with {@code body} after the header. */
  static byte[] response(int rc, byte... body) {
    byte[] r = new byte[10 + body.length];
    r[0] = (byte) 0x80;
    r[1] = 0x01;
    TpmResponses.putU32(r, 2, r.length);
    TpmResponses.putU32(r, 6, rc);
    System.arraycopy(body, 0, r, 10, body.length);
    return r;
  }

  /** The fake's TPM2_GetRandom response: TPM2B_DIGEST of A0 A1 … */
  static byte[] randomResponse(int n) {
    byte[] body = new byte[2 + n];
    body[0] = (byte) (n >>> 8);
    body[1] = (byte) n;
    for (int i = 0; i < n; i++) {
      body[2 + i] = (byte) (0xA0 + i);
    }
    return response(0, body);
  }

  /** The fake's answer to an ordinary command: locality byte and command code. */
  static byte[] echoResponse(int locality, int commandCode) {
    byte[] body = new byte[5];
    body[0] = (byte) locality;
    TpmResponses.putU32(body, 1, commandCode);
    return response(0, body);
  }

  /** An mssim TPM_SEND_COMMAND frame. */
  static byte[] mssimCommand(int locality, byte[] command) {
    return concat(u32(8), new byte[] {(byte) locality}, u32(command.length), command);
  }

  /** An mssim response frame: u32 length, response, u32 0. */
  static byte[] mssimResponse(byte[] response) {
    return concat(u32(response.length), response, u32(0));
  }
}
