package io.parasol.tpm.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.parasol.tpm.state.proto.SealedStateFile;
import io.parasol.tpm.state.proto.SealedStateHeader;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Format version 1 of the sealed state file ({@code sealed_state.proto}): a {@code SealedStateFile}
 * whose {@code header} holds the serialized {@code SealedStateHeader} (magic, format version, key
 * id, generation, nonce) and whose {@code ciphertext} is the AES-256-GCM encryption of the engine's
 * state with those exact header bytes as associated data (NIST SP 800-38D), so that changing any
 * header field, the nonce or a ciphertext byte makes the tag fail.
 *
 * <p>Checks on reading, in order, each with its own exception: the file parses and has a header and
 * a ciphertext at least as long as the tag ({@link TpmStateCorruptException}); the magic ({@link
 * TpmStateCorruptException}); the format version ({@link TpmStateFormatException}); the key id
 * ({@link TpmStateWrongKeyException}); the GCM tag ({@link TpmStateWrongKeyException}). Only after
 * the tag has verified is the generation trusted.
 */
final class SealedStateFormat {

  private SealedStateFormat() {}

  /** "PVTS": Parasol vTPM state. */
  static final int MAGIC = 0x50565453;

  /** The one format version this code writes and reads. */
  static final int FORMAT_VERSION = 1;

  /** GCM nonce size: 96 bits, the size SP 800-38D recommends. */
  static final int NONCE_BYTES = 12;

  /** GCM tag size: 128 bits. */
  static final int TAG_BYTES = 16;

  /** A decrypted, authenticated state. */
  record Unsealed(long generation, byte[] payload) {}

  /** Seals {@code payload} as generation {@code generation} with {@code nonce}. */
  static byte[] seal(StateKeyDerivation keys, long generation, byte[] nonce, byte[] payload) {
    if (generation <= 0) {
      throw new IllegalArgumentException("generations start at 1: " + generation);
    }
    if (nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("a GCM nonce has 12 bytes here, not " + nonce.length);
    }
    byte[] header =
        SealedStateHeader.newBuilder()
            .setMagic(MAGIC)
            .setFormatVersion(FORMAT_VERSION)
            .setKeyId(keys.keyId())
            .setGeneration(generation)
            .setNonce(ByteString.copyFrom(nonce))
            .build()
            .toByteArray();
    byte[] ciphertext;
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(
          Cipher.ENCRYPT_MODE,
          keys.sealingKey(generation),
          new GCMParameterSpec(TAG_BYTES * 8, nonce));
      gcm.updateAAD(header);
      ciphertext = gcm.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM encryption failed", e);
    }
    return SealedStateFile.newBuilder()
        .setHeader(ByteString.copyFrom(header))
        .setCiphertext(ByteString.copyFrom(ciphertext))
        .build()
        .toByteArray();
  }

  /**
   * Parses, checks and decrypts a sealed state file.
   *
   * @param file the file's bytes
   * @param name the file's name, for messages
   */
  static Unsealed unseal(StateKeyDerivation keys, byte[] file, String name)
      throws TpmStateException {
    if (file.length == 0) {
      throw new TpmStateCorruptException("vTPM state file " + name + " is empty");
    }
    SealedStateFile sealed;
    SealedStateHeader header;
    try {
      sealed = SealedStateFile.parseFrom(file);
      header = SealedStateHeader.parseFrom(sealed.getHeader());
    } catch (InvalidProtocolBufferException e) {
      throw new TpmStateCorruptException(
          "vTPM state file " + name + " is truncated or corrupt: " + e.getMessage(), e);
    }
    if (sealed.getHeader().isEmpty()) {
      throw new TpmStateCorruptException("vTPM state file " + name + " has no header");
    }
    if (header.getMagic() != MAGIC) {
      throw new TpmStateCorruptException(
          "%s is not a vTPM state file: its magic is 0x%08x, not 0x%08x"
              .formatted(name, header.getMagic(), MAGIC));
    }
    if (header.getFormatVersion() != FORMAT_VERSION) {
      throw new TpmStateFormatException(
          "vTPM state file %s has format version %d, but this Parasol reads version %d only"
              .formatted(name, Integer.toUnsignedLong(header.getFormatVersion()), FORMAT_VERSION),
          header.getFormatVersion());
    }
    if (!header.getKeyId().equals(keys.keyId())) {
      throw new TpmStateWrongKeyException(
          "vTPM state file %s was sealed under key %s, but the key provider supplies key %s"
              .formatted(name, printable(header.getKeyId()), keys.keyId()));
    }
    if (sealed.getCiphertext().size() < TAG_BYTES) {
      throw new TpmStateCorruptException(
          "vTPM state file %s is truncated: its ciphertext has %d bytes, fewer than the %d-byte tag"
              .formatted(name, sealed.getCiphertext().size(), TAG_BYTES));
    }
    if (header.getNonce().size() != NONCE_BYTES || header.getGeneration() <= 0) {
      // Both are in the associated data, so a bad value can only come from a corrupt file or a
      // writer that is not this code (2^63 saves will not happen); say so rather than report a
      // tag failure.
      throw new TpmStateCorruptException(
          "vTPM state file %s is corrupt: nonce of %d bytes, generation %s"
              .formatted(
                  name, header.getNonce().size(), Long.toUnsignedString(header.getGeneration())));
    }
    if (!sealed.getUnknownFields().asMap().isEmpty()) {
      throw new TpmStateCorruptException(
          "vTPM state file " + name + " is corrupt: it has fields outside the header");
    }
    long generation = header.getGeneration();
    byte[] payload;
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(
          Cipher.DECRYPT_MODE,
          keys.sealingKey(generation),
          new GCMParameterSpec(TAG_BYTES * 8, header.getNonce().toByteArray()));
      gcm.updateAAD(sealed.getHeader().toByteArray());
      payload = gcm.doFinal(sealed.getCiphertext().toByteArray());
    } catch (AEADBadTagException e) {
      throw new TpmStateWrongKeyException(
          "vTPM state file "
              + name
              + " does not authenticate: the state was sealed under a different key or is corrupt",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM decryption failed", e);
    }
    return new Unsealed(generation, payload);
  }

  /** A key id from a file, safe to put into a message. */
  static String printable(String keyId) {
    StringBuilder out = new StringBuilder();
    keyId
        .codePoints()
        .limit(StateKey.MAX_KEY_ID_LENGTH)
        .forEach(c -> out.append(c >= 0x21 && c <= 0x7e ? (char) c : '?'));
    return out.isEmpty() ? "(none)" : out.toString();
  }
}
