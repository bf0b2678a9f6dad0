package io.parasol.tpm.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC (RFC 2104, FIPS 198-1) over one of the TPM's {@link HashAlgorithm}s: the primitive behind
 * authorization HMACs (TPM 2.0 Part 1, 19.6), KDFa (Part 1, 11.4.10.2), tickets, the integrity of
 * protected objects (Part 1, 22.5) and the {@code TPM2_HMAC} commands.
 *
 * <p>Use {@link #compute} for one-shot values or {@link #start} for a sequence ({@code
 * TPM2_HMAC_Start}/{@code SequenceUpdate}). Backed by the JDK's {@code Mac}, which uses the CPU's
 * SHA instructions. An instance is not thread-safe.
 */
public final class Hmac {
  // HMAC pads the key with zeros to the block size, so an empty key and the key {0x00} give
  // the same MAC. The JCA refuses empty keys; TPM authValues and session keys are often empty.
  private static final byte[] EMPTY_KEY_EQUIVALENT = {0};

  private final HashAlgorithm hash;
  private final Mac mac;

  private Hmac(HashAlgorithm hash, byte[] key) {
    this.hash = hash;
    try {
      mac = Mac.getInstance(hash.jcaHmacName());
      byte[] k = key.length == 0 ? EMPTY_KEY_EQUIVALENT : key;
      mac.init(new SecretKeySpec(k, hash.jcaHmacName()));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("the JDK cannot do " + hash.jcaHmacName(), e);
    }
  }

  /** Starts an HMAC with {@code key} (any length, including empty). */
  public static Hmac start(HashAlgorithm hash, byte[] key) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(key, "key");
    return new Hmac(hash, key);
  }

  /** The HMAC of the concatenation of {@code parts} (null parts count as empty). */
  public static byte[] compute(HashAlgorithm hash, byte[] key, byte[]... parts) {
    Hmac h = start(hash, key);
    for (byte[] part : parts) {
      if (part != null) {
        h.update(part);
      }
    }
    return h.finish();
  }

  /** The hash algorithm. */
  public HashAlgorithm hash() {
    return hash;
  }

  /** Adds {@code data}. */
  public Hmac update(byte[] data) {
    mac.update(data);
    return this;
  }

  /** Adds {@code length} bytes of {@code data} from {@code offset}. */
  public Hmac update(byte[] data, int offset, int length) {
    mac.update(data, offset, length);
    return this;
  }

  /** Adds a 32-bit big-endian integer (the counters and sizes of the TPM's KDFs). */
  public Hmac updateInt(int value) {
    mac.update((byte) (value >>> 24));
    mac.update((byte) (value >>> 16));
    mac.update((byte) (value >>> 8));
    mac.update((byte) value);
    return this;
  }

  /** Returns the MAC and resets to the initial keyed state, so the instance can be reused. */
  public byte[] finish() {
    return mac.doFinal();
  }
}
