package io.parasol.tools.attest;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: each carries its expiry and an HMAC-SHA256 tag under a key the service replicas
 * share, so any replica can check a nonce another issued without shared state. Layout (40 bytes,
 * fits a TPM2B_DATA): version 1 (1) ‖ expiry, Unix seconds (8, big-endian) ‖ random (15) ‖
 * HMAC-SHA256(key, the first 24 bytes) truncated to 16.
 *
 * <p>A nonce can be presented more than once until it expires: freshness is bounded by the
 * lifetime, not single use (that would need shared state).
 */
public final class NonceIssuer {
  /** The size of a nonce. */
  public static final int BYTES = 40;

  private static final int VERSION = 1;
  private static final int TAG_BYTES = 16;

  private final SecretKeySpec key;
  private final Duration lifetime;
  private final SecureRandom random = new SecureRandom();

  public NonceIssuer(byte[] key, Duration lifetime) {
    if (key.length < 16) {
      throw new IllegalArgumentException("the nonce key must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.lifetime = lifetime;
  }

  /** A new nonce valid until {@code now} + the lifetime. */
  public byte[] issue(Instant now) {
    ByteBuffer b = ByteBuffer.allocate(BYTES);
    b.put((byte) VERSION).putLong(now.plus(lifetime).getEpochSecond());
    byte[] r = new byte[15];
    random.nextBytes(r);
    b.put(r);
    b.put(tag(Arrays.copyOf(b.array(), 24)));
    return b.array();
  }

  /** When {@code nonce} expires (its own claim; check it with {@link #check}). */
  public static Instant expiry(byte[] nonce) {
    return Instant.ofEpochSecond(ByteBuffer.wrap(nonce).getLong(1));
  }

  /**
   * Null if {@code nonce} was issued with this key and has not expired at {@code now}; else why
   * not.
   */
  public String check(byte[] nonce, Instant now) {
    if (nonce.length != BYTES || nonce[0] != VERSION) {
      return "the nonce is not one this service issues";
    }
    byte[] tag = tag(Arrays.copyOf(nonce, 24));
    if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(nonce, 24, BYTES))) {
      return "the nonce was not issued by this service";
    }
    if (now.isAfter(expiry(nonce))) {
      return "the nonce expired at " + expiry(nonce);
    }
    return null;
  }

  private byte[] tag(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(data), TAG_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
