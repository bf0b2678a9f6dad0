package io.parasol.tools.attest;

import java.util.HexFormat;

/** Short hex renderings for verdict sentences. */
final class Hex {
  private Hex() {}

  static String of(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** The first 8 bytes and a count, for long values in sentences. */
  static String brief(byte[] b) {
    if (b.length <= 8) {
      return of(b);
    }
    return HexFormat.of().formatHex(b, 0, 8) + "… (" + b.length + " bytes)";
  }

  static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
