package io.parasol.tpm.state;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * A 256-bit root key for the vTPM's persistent state, and the id that names it.
 *
 * <p>The key is never used directly: the store derives the AES-256-GCM sealing keys and the
 * rollback anchor's HMAC key from it with HKDF-SHA256 (RFC 5869), so one root key serves both
 * without the two uses ever sharing key material.
 *
 * <p>The id is written in clear into every sealed file so that a file sealed under another key is
 * reported as such, before any decryption is attempted. It must not reveal the key: a file-based
 * provider uses a truncated hash of it, a hardware provider would name the derivation (for example
 * the SNP guest-message key-derivation policy).
 *
 * @param keyId printable ASCII, 1–128 characters
 * @param key the 32-byte root key
 */
public record StateKey(String keyId, SecretKey key) {

  /** The size of a state key in bytes: AES-256. */
  public static final int SIZE_BYTES = 32;

  /** The longest key id, in characters. */
  public static final int MAX_KEY_ID_LENGTH = 128;

  /**
   * Checks the id and the key's size.
   *
   * @throws IllegalArgumentException if the id is empty, too long or not printable ASCII, or if the
   *     key's encoding is not 32 bytes
   */
  public StateKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
    if (keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
      throw new IllegalArgumentException("a key id has 1–128 characters, not " + keyId.length());
    }
    if (keyId.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new IllegalArgumentException("a key id is printable ASCII without spaces: " + keyId);
    }
    byte[] encoded = key.getEncoded();
    if (encoded != null) {
      int length = encoded.length;
      Arrays.fill(encoded, (byte) 0);
      if (length != SIZE_BYTES) {
        throw new IllegalArgumentException("a state key has 32 bytes, not " + length);
      }
    }
  }

  /** The key id only: the key material never goes into a string. */
  @Override
  public String toString() {
    return "StateKey[" + keyId + "]";
  }
}
