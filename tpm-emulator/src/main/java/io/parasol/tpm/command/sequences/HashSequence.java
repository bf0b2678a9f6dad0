package io.parasol.tpm.command.sequences;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.session.SessionCrypto;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.Map;
import javax.crypto.Mac;

/**
 * A sequence object (TPM 2.0 Library Part 1 §32 "Hash, HMAC and Event Sequences"): a transient
 * object holding a running hash, an HMAC, or one hash per implemented algorithm (an event
 * sequence). Its Name is its handle; its authValue is the one given at start.
 */
public final class HashSequence implements Entity.HandleNamed {
  /** {@code TPM_GENERATED_VALUE} (Part 2 §6.2): data starting with it gets no ticket. */
  static final int TPM_GENERATED_VALUE = 0xFF544347;

  /** What the sequence computes. */
  public enum Kind {
    HASH,
    HMAC,
    EVENT
  }

  private final int handle;
  private final Kind kind;
  private final HashAlgorithm hash;
  private final byte[] authValue;
  private final int hierarchy;
  private final MessageDigest digest;
  private final Mac mac;
  private final Map<HashAlgorithm, MessageDigest> eventDigests;
  private final byte[] firstOctets = new byte[4];
  private int received;

  private HashSequence(
      int handle, Kind kind, HashAlgorithm hash, byte[] authValue, byte[] hmacKey, int hierarchy) {
    this.handle = handle;
    this.kind = kind;
    this.hash = hash;
    this.authValue = Entity.trimTrailingZeros(authValue);
    this.hierarchy = hierarchy;
    this.digest = kind == Kind.HASH ? hash.newDigest() : null;
    this.mac = kind == Kind.HMAC ? SessionCrypto.newMac(hash, hmacKey) : null;
    if (kind == Kind.EVENT) {
      eventDigests = new EnumMap<>(HashAlgorithm.class);
      for (HashAlgorithm h : HashAlgorithm.values()) {
        eventDigests.put(h, h.newDigest());
      }
    } else {
      eventDigests = null;
    }
  }

  /** A hash sequence (TPM2_HashSequenceStart with a hash algorithm). */
  public static HashSequence hash(int handle, HashAlgorithm hash, byte[] authValue) {
    return new HashSequence(handle, Kind.HASH, hash, authValue, null, TpmHandle.RH_NULL);
  }

  /** An event sequence (TPM2_HashSequenceStart with {@code TPM_ALG_NULL}). */
  public static HashSequence event(int handle, byte[] authValue) {
    return new HashSequence(handle, Kind.EVENT, null, authValue, null, TpmHandle.RH_NULL);
  }

  /**
   * An HMAC sequence (TPM2_HMAC_Start) keyed with {@code key}; it belongs to the key's {@code
   * hierarchy}.
   */
  public static HashSequence hmac(
      int handle, HashAlgorithm hash, byte[] key, byte[] authValue, int hierarchy) {
    return new HashSequence(handle, Kind.HMAC, hash, authValue, key, hierarchy);
  }

  public Kind kind() {
    return kind;
  }

  /** The hash algorithm; null for an event sequence. */
  public HashAlgorithm hashAlgorithm() {
    return hash;
  }

  /** Adds data to the sequence. */
  public void update(byte[] data) {
    for (int i = 0; i < data.length && received + i < 4; i++) {
      firstOctets[received + i] = data[i];
    }
    received += Math.min(data.length, Integer.MAX_VALUE - received);
    switch (kind) {
      case HASH -> digest.update(data);
      case HMAC -> mac.update(data);
      case EVENT -> eventDigests.values().forEach(md -> md.update(data));
    }
  }

  /**
   * True if the data so far may get a ticket: it does not begin with {@code TPM_GENERATED_VALUE},
   * so it cannot be mistaken for a TPM-made structure (Part 1 §32.4).
   */
  public boolean ticketSafe() {
    if (received < 4) {
      return true;
    }
    int first =
        ((firstOctets[0] & 0xFF) << 24)
            | ((firstOctets[1] & 0xFF) << 16)
            | ((firstOctets[2] & 0xFF) << 8)
            | (firstOctets[3] & 0xFF);
    return first != TPM_GENERATED_VALUE;
  }

  /** The hash or HMAC of everything added (hash and HMAC sequences). */
  public byte[] complete() {
    return switch (kind) {
      case HASH -> digest.digest();
      case HMAC -> mac.doFinal();
      case EVENT -> throw new IllegalStateException("an event sequence has several digests");
    };
  }

  /** The digest of everything added, per implemented hash (event sequences). */
  public Map<HashAlgorithm, byte[]> completeEvent() {
    Map<HashAlgorithm, byte[]> out = new EnumMap<>(HashAlgorithm.class);
    eventDigests.forEach((h, md) -> out.put(h, md.digest()));
    return out;
  }

  @Override
  public int handle() {
    return handle;
  }

  @Override
  public byte[] authValue() {
    return authValue.clone();
  }

  /** Sequence objects are not DA-protected. */
  @Override
  public boolean isDaProtected() {
    return false;
  }

  @Override
  public int hierarchy() {
    return hierarchy;
  }
}
