package io.parasol.igvm.measure;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The JDK's message digests by name (every JDK has SHA-256 and SHA-384). */
final class Digests {
  private Digests() {}

  static MessageDigest sha384() {
    return get("SHA-384");
  }

  static MessageDigest sha256() {
    return get("SHA-256");
  }

  private static MessageDigest get(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " is missing from this JDK", e);
    }
  }
}
