package io.parasol.tpm.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * The hash algorithms this TPM implements, with their {@code TPM_ALG_ID} (TPM 2.0 Library Part 2,
 * 6.3) and digest sizes.
 */
public enum HashAlgorithm {
  SHA1(0x0004, 20, 64, "SHA-1", "HmacSHA1"),
  SHA256(0x000B, 32, 64, "SHA-256", "HmacSHA256"),
  SHA384(0x000C, 48, 128, "SHA-384", "HmacSHA384"),
  SHA512(0x000D, 64, 128, "SHA-512", "HmacSHA512");

  private final int algId;
  private final int digestSize;
  private final int blockSize;
  private final String jcaName;
  private final String jcaHmacName;

  HashAlgorithm(int algId, int digestSize, int blockSize, String jcaName, String jcaHmacName) {
    this.algId = algId;
    this.digestSize = digestSize;
    this.blockSize = blockSize;
    this.jcaName = jcaName;
    this.jcaHmacName = jcaHmacName;
  }

  /** The {@code TPM_ALG_ID}. */
  public int algId() {
    return algId;
  }

  /** The digest size in bytes. */
  public int digestSize() {
    return digestSize;
  }

  /** The block size in bytes (the HMAC key block). */
  public int blockSize() {
    return blockSize;
  }

  /** The hash algorithm with this {@code TPM_ALG_ID}, if implemented. */
  public static Optional<HashAlgorithm> fromAlgId(int algId) {
    for (HashAlgorithm h : values()) {
      if (h.algId == algId) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /** A fresh digest context. */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jcaName, e);
    }
  }

  /** The digest of the concatenation of {@code parts}. */
  public byte[] digest(byte[]... parts) {
    MessageDigest md = newDigest();
    for (byte[] part : parts) {
      md.update(part);
    }
    return md.digest();
  }

  /** The JCA name of the HMAC over this hash ({@code HmacSHA256}...). */
  String jcaHmacName() {
    return jcaHmacName;
  }

  /** A Bouncy Castle digest, for the BC padding engines (OAEP, MGF1). */
  Digest newBcDigest() {
    return switch (this) {
      case SHA1 -> new SHA1Digest();
      case SHA256 -> SHA256Digest.newInstance();
      case SHA384 -> new SHA384Digest();
      case SHA512 -> new SHA512Digest();
    };
  }
}
