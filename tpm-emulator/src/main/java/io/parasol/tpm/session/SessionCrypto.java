package io.parasol.tpm.session;

import io.parasol.tpm.crypto.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two primitives session handling needs: HMAC and {@code KDFa} (TPM 2.0 Library Part 1 §11.4.10
 * and §11.4.10.2, NIST SP 800-108 counter mode with HMAC).
 *
 * <p>DEVNOTE: these use the JDK until the crypto package offers HMAC and KDFa of its own; then this
 * class should delegate to it.
 */
public final class SessionCrypto {
  private SessionCrypto() {}

  /** {@code HMAC_hash(key, parts[0] || parts[1] || ...)}. An empty key is allowed. */
  public static byte[] hmac(HashAlgorithm hash, byte[] key, byte[]... parts) {
    Mac mac = newMac(hash, key);
    for (byte[] part : parts) {
      mac.update(part);
    }
    return mac.doFinal();
  }

  /** A keyed HMAC context; an empty key is the same as a single zero octet (RFC 2104 padding). */
  public static Mac newMac(HashAlgorithm hash, byte[] key) {
    String name =
        switch (hash) {
          case SHA1 -> "HmacSHA1";
          case SHA256 -> "HmacSHA256";
          case SHA384 -> "HmacSHA384";
          case SHA512 -> "HmacSHA512";
        };
    try {
      Mac mac = Mac.getInstance(name);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + name, e);
    }
  }

  /**
   * {@code KDFa(hash, key, label, contextU, contextV, bits)} (Part 1 §11.4.10.2): {@code HMAC(key,
   * [i]₃₂ || label || 0x00 || contextU || contextV || [bits]₃₂)} for {@code i = 1, 2, ...},
   * truncated to {@code bits} (the excess high-order bits of the first octet cleared).
   */
  public static byte[] kdfa(
      HashAlgorithm hash, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
    if (bits <= 0) {
      throw new IllegalArgumentException("bits " + bits);
    }
    byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
    int bytes = (bits + 7) / 8;
    byte[] out = new byte[bytes];
    Mac mac = newMac(hash, key);
    int done = 0;
    for (int counter = 1; done < bytes; counter++) {
      mac.update(be32(counter));
      mac.update(labelBytes);
      if (labelBytes.length == 0 || labelBytes[labelBytes.length - 1] != 0) {
        mac.update((byte) 0);
      }
      mac.update(contextU);
      mac.update(contextV);
      mac.update(be32(bits));
      byte[] block = mac.doFinal();
      int n = Math.min(block.length, bytes - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    if (bits % 8 != 0) {
      out[0] &= (byte) ((1 << (bits % 8)) - 1);
    }
    return out;
  }

  /** Compares in time independent of where the arrays differ. */
  public static boolean equalsConstantTime(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  static byte[] be32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
