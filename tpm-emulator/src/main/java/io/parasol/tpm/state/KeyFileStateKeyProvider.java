package io.parasol.tpm.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link TpmStateKeyProvider} that reads the state key from a file of exactly 32 bytes, mode
 * 0600.
 *
 * <p>The file is refused, with the reason, if it is missing, not a regular file, not 32 bytes long,
 * or readable or writable by its group or by others (the same rule OpenSSH applies to private
 * keys). {@link #createIfMissing} creates it with 32 bytes from a {@link SecureRandom}: written to
 * a temporary file of mode 0600, forced to disk and then hard-linked into place, so a crash never
 * leaves a short key file and a concurrent creator never has its key overwritten.
 *
 * <p>The key id is {@code keyfile:} followed by the first 8 bytes of SHA-256 over a fixed label and
 * the key, in hex: it identifies the key without revealing it.
 *
 * <p>DEVNOTE: a key file protects the state only against those who can read the state directory and
 * not the key file (the host, in confidential mode, can read both). It is the development and
 * plain-KVM provider; confidential VMs need a provider whose key the host cannot derive.
 */
public final class KeyFileStateKeyProvider implements TpmStateKeyProvider {

  private static final byte[] KEY_ID_LABEL =
      "parasol vTPM state key id v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ALL =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> SHARED =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private final Path keyFile;

  private KeyFileStateKeyProvider(Path keyFile) {
    this.keyFile = keyFile.toAbsolutePath();
  }

  /** A provider for a key file that must already exist. Nothing is read until {@link #stateKey}. */
  public static KeyFileStateKeyProvider existing(Path keyFile) {
    return new KeyFileStateKeyProvider(keyFile);
  }

  /**
   * A provider for {@code keyFile}, creating it (and its directory, mode 0700) with a fresh random
   * key if it does not exist, then checking it as {@link #stateKey} does.
   *
   * @throws TpmStateKeyException if the file cannot be created, or exists and is unusable
   */
  public static KeyFileStateKeyProvider createIfMissing(Path keyFile) throws TpmStateKeyException {
    KeyFileStateKeyProvider provider = new KeyFileStateKeyProvider(keyFile);
    provider.createKeyFileIfMissing();
    provider.stateKey();
    return provider;
  }

  /** The key file, as an absolute path. */
  public Path keyFile() {
    return keyFile;
  }

  /**
   * Reads and checks the key file.
   *
   * @throws TpmStateKeyException if the file is missing, not a regular file, readable or writable
   *     by group or others, not 32 bytes, or unreadable
   */
  @Override
  public StateKey stateKey() throws TpmStateKeyException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(keyFile, PosixFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new TpmStateKeyException("vTPM state key file " + keyFile + " does not exist", e);
    } catch (UnsupportedOperationException e) {
      throw new TpmStateKeyException(
          "cannot check the permissions of vTPM state key file "
              + keyFile
              + ": its file system has no POSIX permissions",
          e);
    } catch (IOException e) {
      throw new TpmStateKeyException(
          "cannot read vTPM state key file " + keyFile + ": " + e.getMessage(), e);
    }
    if (!attributes.isRegularFile()) {
      throw new TpmStateKeyException("vTPM state key file " + keyFile + " is not a regular file");
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    if (permissions.stream().anyMatch(SHARED::contains)) {
      throw new TpmStateKeyException(
          "vTPM state key file "
              + keyFile
              + " has permissions "
              + PosixFilePermissions.toString(permissions)
              + ": a state key must not be readable or writable by group or others (chmod 600 "
              + keyFile
              + ")");
    }
    if (attributes.size() != StateKey.SIZE_BYTES) {
      throw new TpmStateKeyException(wrongSize(attributes.size()));
    }
    byte[] key;
    try {
      key = Files.readAllBytes(keyFile);
    } catch (IOException e) {
      throw new TpmStateKeyException(
          "cannot read vTPM state key file " + keyFile + ": " + e.getMessage(), e);
    }
    try {
      if (key.length != StateKey.SIZE_BYTES) {
        throw new TpmStateKeyException(wrongSize(key.length));
      }
      return new StateKey(keyId(key), new SecretKeySpec(key, "AES"));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private String wrongSize(long sizeBytes) {
    return "vTPM state key file "
        + keyFile
        + " holds "
        + sizeBytes
        + " bytes, but a state key is exactly "
        + StateKey.SIZE_BYTES
        + " bytes";
  }

  private void createKeyFileIfMissing() throws TpmStateKeyException {
    if (Files.exists(keyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path directory = keyFile.getParent();
    Path temporary = null;
    byte[] key = new byte[StateKey.SIZE_BYTES];
    try {
      if (!Files.isDirectory(directory)) {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ALL));
      }
      temporary =
          Files.createTempFile(
              directory,
              keyFile.getFileName() + ".tmp-",
              "",
              PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
      new SecureRandom().nextBytes(key);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        // link(2) fails if the name exists, where rename(2) would replace a key someone else
        // has just created (and sealed state under).
        Files.createLink(keyFile, temporary);
      } catch (FileAlreadyExistsException raced) {
        // Another process created the key first: use theirs.
      }
      DurableWrite.syncDirectory(directory);
    } catch (IOException e) {
      throw new TpmStateKeyException(
          "cannot create vTPM state key file " + keyFile + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(key, (byte) 0);
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // A leftover temporary name holds a key nobody uses; it is harmless.
        }
      }
    }
  }

  private static String keyId(byte[] key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(KEY_ID_LABEL);
      byte[] digest = sha256.digest(key);
      return "keyfile:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
