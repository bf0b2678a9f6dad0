package io.parasol.tpm.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;

/**
 * The keys the store uses, derived from the provider's root {@link StateKey} with HKDF-SHA256 (RFC
 * 5869), each under its own label so that no two uses share key material:
 *
 * <ul>
 *   <li>PRK = HKDF-Extract(salt = "parasol vTPM state v1", IKM = root key);
 *   <li>the AES-256-GCM key sealing generation <i>g</i> = HKDF-Expand(PRK, "parasol vTPM state v1
 *       sealing key" ‖ <i>g</i> as 8 bytes big-endian, 32);
 *   <li>the rollback anchor's HMAC-SHA256 key = HKDF-Expand(PRK, "parasol vTPM state v1 rollback
 *       anchor", 32).
 * </ul>
 *
 * <p>DEVNOTE: one GCM key per generation is there because of NIST SP 800-38D §8.3: with random
 * 96-bit nonces a single key may seal at most 2^32 messages, and a vTPM saving on every NV write
 * could approach that over a long life. Per-generation keys make a (key, nonce) pair repeat only if
 * one generation is sealed twice (it is not, unless a crash loses a write that was never
 * acknowledged) and both random nonces collide.
 */
final class StateKeyDerivation {

  private static final byte[] SALT = ascii("parasol vTPM state v1");
  private static final byte[] SEALING_LABEL = ascii("parasol vTPM state v1 sealing key");
  private static final byte[] ANCHOR_LABEL = ascii("parasol vTPM state v1 rollback anchor");

  private final String keyId;
  private final SecretKey pseudoRandomKey;

  private StateKeyDerivation(String keyId, SecretKey pseudoRandomKey) {
    this.keyId = keyId;
    this.pseudoRandomKey = pseudoRandomKey;
  }

  /** Runs HKDF-Extract over {@code rootKey}. */
  static StateKeyDerivation of(StateKey rootKey) {
    try {
      SecretKey prk =
          hkdf()
              .deriveKey(
                  "Generic",
                  HKDFParameterSpec.ofExtract().addIKM(rootKey.key()).addSalt(SALT).extractOnly());
      return new StateKeyDerivation(rootKey.keyId(), prk);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 extract failed", e);
    }
  }

  /** The root key's id. */
  String keyId() {
    return keyId;
  }

  /** The AES-256 key that seals (and unseals) state generation {@code generation}. */
  SecretKey sealingKey(long generation) {
    byte[] info =
        ByteBuffer.allocate(SEALING_LABEL.length + Long.BYTES)
            .put(SEALING_LABEL)
            .putLong(generation)
            .array();
    return expand("AES", info);
  }

  /** The HMAC-SHA256 key of the rollback anchor file. */
  SecretKey anchorMacKey() {
    return expand("HmacSHA256", ANCHOR_LABEL);
  }

  private SecretKey expand(String algorithm, byte[] info) {
    return derive(algorithm, HKDFParameterSpec.expandOnly(pseudoRandomKey, info, 32));
  }

  /** Plain HKDF-SHA256, for the RFC 5869 known-answer test. */
  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int lengthBytes) {
    try {
      return hkdf()
          .deriveData(
              HKDFParameterSpec.ofExtract()
                  .addIKM(ikm)
                  .addSalt(salt)
                  .thenExpand(info, lengthBytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 failed", e);
    }
  }

  private static SecretKey derive(String algorithm, AlgorithmParameterSpec spec) {
    try {
      return hkdf().deriveKey(algorithm, spec);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 expand failed", e);
    }
  }

  private static KDF hkdf() {
    try {
      return KDF.getInstance("HKDF-SHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 25 has HKDF-SHA256", e);
    }
  }

  private static byte[] ascii(String label) {
    return label.getBytes(StandardCharsets.US_ASCII);
  }
}
