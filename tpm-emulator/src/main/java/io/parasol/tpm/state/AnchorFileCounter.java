package io.parasol.tpm.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.parasol.tpm.state.proto.RollbackAnchorBody;
import io.parasol.tpm.state.proto.RollbackAnchorFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;

/**
 * A {@link MonotonicCounter} kept in a small file (the <em>rollback anchor</em>) in a second
 * location, such as next to the key file: a {@code RollbackAnchorFile} ({@code sealed_state.proto})
 * holding the generation and the key id, HMAC-SHA256-authenticated under a key derived from the
 * state key ({@link StateKeyDerivation}), and replaced atomically like the state file.
 *
 * <h2>What it protects against</h2>
 *
 * <ul>
 *   <li>Replaying an older state file into the state directory (a backup, a snapshot of the state
 *       volume, a copy taken earlier): its generation is below the anchor's, and the store refuses
 *       it.
 *   <li>Deleting the state file so that a fresh vTPM (new seeds, empty NV, unlocked DA) starts in
 *       its place: the anchor says a state existed.
 *   <li>Forging or editing the anchor (writing a lower, or zero, generation into it): the MAC needs
 *       the state key.
 *   <li>Crashes: the anchor is written only after the state file is durably in place, so a crash
 *       leaves the state at most one generation ahead of the anchor, which the store accepts.
 * </ul>
 *
 * <h2>What it does not protect against</h2>
 *
 * <ul>
 *   <li>Someone who can write both locations and kept <em>matching older copies of both</em> (a
 *       snapshot of the whole host disk, or of both files taken together): the pair is consistent
 *       and is accepted. The anchor only raises the bar from "replace one file" to "roll back two
 *       places together"; it is not a hardware counter.
 *   <li>Deleting the anchor and the state together: the store then sees a fresh vTPM, as on first
 *       start. (Deleting only the anchor is detected: a state without an anchor is refused.)
 *   <li>Anyone holding the state key: they can MAC any anchor and seal any state.
 *   <li>Two stores sharing one anchor file, or one key with another vTPM's anchor: the anchor names
 *       the key, not the vTPM instance. Give each vTPM its own key and anchor.
 * </ul>
 *
 * <p>In a confidential VM the host controls all storage, so a software anchor does not stop it;
 * there the counter must come from hardware or from a remote party, behind the same interface.
 */
public final class AnchorFileCounter implements MonotonicCounter {

  /** "PVAC": Parasol vTPM anchor counter. */
  static final int MAGIC = 0x50564143;

  static final int FORMAT_VERSION = 1;

  private static final int MAX_FILE_BYTES = 4096;

  private final Path file;
  private final TpmStateKeyProvider keys;
  private StateKeyDerivation derivation;
  private long value = -1;

  /**
   * The anchor file {@code file}, authenticated under a key derived from {@code keys}'s state key.
   * Nothing is read or written until the first {@link #read}.
   */
  public AnchorFileCounter(Path file, TpmStateKeyProvider keys) {
    this.file = file.toAbsolutePath();
    this.keys = keys;
  }

  /** The anchor file, as an absolute path. */
  public Path file() {
    return file;
  }

  /**
   * Reads the anchor; 0 if the file does not exist. The first call also deletes temporary files a
   * crashed writer left next to it.
   *
   * @throws TpmStateCorruptException if the file does not parse or has the wrong magic
   * @throws TpmStateFormatException if it has an unknown format version
   * @throws TpmStateWrongKeyException if it names another key or its MAC does not verify
   * @throws TpmStateKeyException if the state key is unavailable
   */
  @Override
  public long read() throws TpmStateException {
    StateKeyDerivation derived = derivation();
    byte[] bytes;
    try {
      if (value < 0 && Files.isDirectory(file.getParent())) {
        DurableWrite.removeTemporaries(file);
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new TpmStateCorruptException(
            "rollback anchor " + file + " is corrupt: it is larger than " + MAX_FILE_BYTES);
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      value = 0;
      return 0;
    } catch (IOException e) {
      throw new TpmStateException("cannot read rollback anchor " + file + ": " + e.getMessage(), e);
    }
    value = verify(derived, bytes);
    return value;
  }

  @Override
  public void advanceTo(long generation) throws TpmStateException {
    if (value < 0) {
      read();
    }
    if (generation < value) {
      throw new IllegalArgumentException(
          "a monotonic counter does not go down: " + value + " to " + generation);
    }
    if (generation == value) {
      return;
    }
    StateKeyDerivation derived = derivation();
    byte[] body =
        RollbackAnchorBody.newBuilder()
            .setMagic(MAGIC)
            .setFormatVersion(FORMAT_VERSION)
            .setKeyId(derived.keyId())
            .setGeneration(generation)
            .build()
            .toByteArray();
    byte[] content =
        RollbackAnchorFile.newBuilder()
            .setBody(ByteString.copyFrom(body))
            .setMac(ByteString.copyFrom(mac(derived, body)))
            .build()
            .toByteArray();
    try {
      Path directory = file.getParent();
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(
            directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      DurableWrite.rename(DurableWrite.writeTemporary(file, content), file);
      DurableWrite.syncDirectory(directory);
    } catch (IOException e) {
      throw new TpmStateException(
          "cannot advance rollback anchor "
              + file
              + " to generation "
              + generation
              + ": "
              + e.getMessage(),
          e);
    }
    value = generation;
  }

  @Override
  public String description() {
    return "rollback anchor " + file;
  }

  private long verify(StateKeyDerivation derived, byte[] bytes) throws TpmStateException {
    RollbackAnchorFile anchor;
    RollbackAnchorBody body;
    try {
      anchor = RollbackAnchorFile.parseFrom(bytes);
      body = RollbackAnchorBody.parseFrom(anchor.getBody());
    } catch (InvalidProtocolBufferException e) {
      throw new TpmStateCorruptException(
          "rollback anchor " + file + " is truncated or corrupt: " + e.getMessage(), e);
    }
    if (body.getMagic() != MAGIC) {
      throw new TpmStateCorruptException(
          "%s is not a rollback anchor: its magic is 0x%08x, not 0x%08x"
              .formatted(file, body.getMagic(), MAGIC));
    }
    if (body.getFormatVersion() != FORMAT_VERSION) {
      throw new TpmStateFormatException(
          "rollback anchor %s has format version %d, but this Parasol reads version %d only"
              .formatted(file, Integer.toUnsignedLong(body.getFormatVersion()), FORMAT_VERSION),
          body.getFormatVersion());
    }
    if (!body.getKeyId().equals(derived.keyId())) {
      throw new TpmStateWrongKeyException(
          "rollback anchor %s belongs to key %s, but the key provider supplies key %s"
              .formatted(file, SealedStateFormat.printable(body.getKeyId()), derived.keyId()));
    }
    if (!MessageDigest.isEqual(
        mac(derived, anchor.getBody().toByteArray()), anchor.getMac().toByteArray())) {
      throw new TpmStateWrongKeyException(
          "rollback anchor "
              + file
              + " does not authenticate: it was written under a different key or altered");
    }
    if (body.getGeneration() < 0) {
      throw new TpmStateCorruptException(
          "rollback anchor "
              + file
              + " holds generation "
              + Long.toUnsignedString(body.getGeneration()));
    }
    return body.getGeneration();
  }

  private static byte[] mac(StateKeyDerivation derived, byte[] body) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(derived.anchorMacKey());
      return hmac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed", e);
    }
  }

  private StateKeyDerivation derivation() throws TpmStateKeyException {
    if (derivation == null) {
      derivation = StateKeyDerivation.of(keys.stateKey());
    }
    return derivation;
  }
}
