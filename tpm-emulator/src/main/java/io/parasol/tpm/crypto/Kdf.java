package io.parasol.tpm.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The TPM's key derivation functions: KDFa (TPM 2.0 Part 1, 11.4.10.2: NIST SP 800-108 in counter
 * mode with HMAC) and KDFe (Part 1, 11.4.10.3: the NIST SP 800-56A concatenation KDF).
 *
 * <p>Labels follow the reference implementation: a label is hashed as given and then, unless it
 * already ends with a 0x00 byte, one 0x00 byte is appended; an empty label is a single 0x00. So
 * {@code "STORAGE"} and {@code "STORAGE\0"} derive the same key. When {@code bits} is not a
 * multiple of 8 the unused high-order bits of the first byte are cleared.
 */
public final class Kdf {
  /** The largest request, in bits: the reference implementation's {@code INT16_MAX} bytes. */
  public static final int MAX_BITS = 0x7FFF * 8;

  private Kdf() {}

  /** The bytes of a string label (ASCII, no terminator; the KDF adds it). */
  public static byte[] label(String label) {
    return label.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * KDFa with a string label; see {@link #kdfa(HashAlgorithm, byte[], byte[], byte[], byte[],
   * int)}.
   */
  public static byte[] kdfa(
      HashAlgorithm hash, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
    return kdfa(hash, key, label(label), contextU, contextV, bits);
  }

  /**
   * KDFa (Part 1, 11.4.10.2): for i = 1, 2, ... the blocks {@code HMAC_hash(key, [i]32 || label ||
   * 0x00 || contextU || contextV || [bits]32)}, concatenated and truncated to {@code ceil(bits/8)}
   * bytes.
   *
   * @param key the HMAC key (may be empty)
   * @param contextU first context value, null for none
   * @param contextV second context value, null for none
   * @param bits output length in bits, 0 to {@link #MAX_BITS}
   */
  public static byte[] kdfa(
      HashAlgorithm hash, byte[] key, byte[] label, byte[] contextU, byte[] contextV, int bits) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(key, "key");
    byte[] out = new byte[checkedBytes(bits)];
    if (out.length == 0) {
      return out;
    }
    Hmac hmac = Hmac.start(hash, key);
    int digestSize = hash.digestSize();
    for (int counter = 1, offset = 0; offset < out.length; counter++, offset += digestSize) {
      hmac.updateInt(counter);
      updateLabel(hmac, label);
      if (contextU != null) {
        hmac.update(contextU);
      }
      if (contextV != null) {
        hmac.update(contextV);
      }
      hmac.updateInt(bits);
      byte[] block = hmac.finish();
      System.arraycopy(block, 0, out, offset, Math.min(digestSize, out.length - offset));
    }
    maskLeadingBits(out, bits);
    return out;
  }

  /**
   * KDFe with a string label; see {@link #kdfe(HashAlgorithm, byte[], byte[], byte[], byte[],
   * int)}.
   */
  public static byte[] kdfe(
      HashAlgorithm hash, byte[] z, String label, byte[] partyUInfo, byte[] partyVInfo, int bits) {
    return kdfe(hash, z, label(label), partyUInfo, partyVInfo, bits);
  }

  /**
   * KDFe (Part 1, 11.4.10.3): for i = 1, 2, ... the blocks {@code H([i]32 || Z || label || 0x00 ||
   * partyUInfo || partyVInfo)}, concatenated and truncated to {@code ceil(bits/8)} bytes.
   *
   * @param z the shared secret: the x-coordinate of the ECDH product, at the curve's size
   * @param partyUInfo the x-coordinate of the initiator's (ephemeral) public key, null for none
   * @param partyVInfo the x-coordinate of the responder's (TPM key's) public key, null for none
   */
  public static byte[] kdfe(
      HashAlgorithm hash, byte[] z, byte[] label, byte[] partyUInfo, byte[] partyVInfo, int bits) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(z, "z");
    byte[] out = new byte[checkedBytes(bits)];
    MessageDigest md = hash.newDigest();
    int digestSize = hash.digestSize();
    for (int counter = 1, offset = 0; offset < out.length; counter++, offset += digestSize) {
      md.update(
          new byte[] {
            (byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter
          });
      md.update(z);
      if (label != null) {
        md.update(label);
      }
      if (label == null || label.length == 0 || label[label.length - 1] != 0) {
        md.update((byte) 0);
      }
      if (partyUInfo != null) {
        md.update(partyUInfo);
      }
      if (partyVInfo != null) {
        md.update(partyVInfo);
      }
      byte[] block = md.digest();
      System.arraycopy(block, 0, out, offset, Math.min(digestSize, out.length - offset));
    }
    maskLeadingBits(out, bits);
    return out;
  }

  private static void updateLabel(Hmac hmac, byte[] label) {
    if (label != null) {
      hmac.update(label);
    }
    if (label == null || label.length == 0 || label[label.length - 1] != 0) {
      hmac.update(new byte[] {0});
    }
  }

  private static int checkedBytes(int bits) {
    if (bits < 0 || bits > MAX_BITS) {
      throw new IllegalArgumentException("KDF output of " + bits + " bits");
    }
    return (bits + 7) / 8;
  }

  private static void maskLeadingBits(byte[] out, int bits) {
    if (bits % 8 != 0) {
      out[0] &= (byte) ((1 << (bits % 8)) - 1);
    }
  }
}
