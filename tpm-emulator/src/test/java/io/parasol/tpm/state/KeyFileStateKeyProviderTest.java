package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileStateKeyProviderTest {

  @TempDir Path dir;

  @Test
  void createsA32ByteKeyReadableByItsOwnerOnly() throws Exception {
    Path keyFile = dir.resolve("keys/state.key");
    KeyFileStateKeyProvider provider = KeyFileStateKeyProvider.createIfMissing(keyFile);
    assertEquals(32, Files.size(keyFile));
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())));
    StateKey key = provider.stateKey();
    assertArrayEquals(Files.readAllBytes(keyFile), key.key().getEncoded());
    assertTrue(key.keyId().matches("keyfile:[0-9a-f]{16}"), key.keyId());
    try (var leftovers = Files.list(keyFile.getParent())) {
      assertEquals(1, leftovers.count(), "only the key file remains");
    }
  }

  @Test
  void createIfMissingKeepsAnExistingKey() throws Exception {
    Path keyFile = dir.resolve("state.key");
    StateKey first = KeyFileStateKeyProvider.createIfMissing(keyFile).stateKey();
    StateKey second = KeyFileStateKeyProvider.createIfMissing(keyFile).stateKey();
    assertEquals(first.keyId(), second.keyId());
    assertArrayEquals(first.key().getEncoded(), second.key().getEncoded());
  }

  @Test
  void twoCreatedKeysDiffer() throws Exception {
    StateKey a = KeyFileStateKeyProvider.createIfMissing(dir.resolve("a.key")).stateKey();
    StateKey b = KeyFileStateKeyProvider.createIfMissing(dir.resolve("b.key")).stateKey();
    assertNotEquals(a.keyId(), b.keyId());
  }

  @Test
  void aMissingKeyFileIsRefused() {
    Path keyFile = dir.resolve("absent.key");
    var e =
        assertThrows(
            TpmStateKeyException.class, () -> KeyFileStateKeyProvider.existing(keyFile).stateKey());
    assertEquals("vTPM state key file " + keyFile + " does not exist", e.getMessage());
    assertTrue(Files.notExists(keyFile), "existing() never creates");
  }

  @Test
  void aKeyFileOfTheWrongSizeIsRefused() throws Exception {
    for (int size : new int[] {0, 16, 31, 33, 64}) {
      Path keyFile = writeKey("size" + size + ".key", new byte[size], "rw-------");
      var e =
          assertThrows(
              TpmStateKeyException.class,
              () -> KeyFileStateKeyProvider.existing(keyFile).stateKey());
      assertEquals(
          "vTPM state key file "
              + keyFile
              + " holds "
              + size
              + " bytes, but a state key is exactly 32 bytes",
          e.getMessage());
    }
  }

  @Test
  void aKeyFileOthersCanReadIsRefusedSayingWhy() throws Exception {
    for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
      Path keyFile = writeKey("open.key", new byte[32], mode);
      var e =
          assertThrows(
              TpmStateKeyException.class,
              () -> KeyFileStateKeyProvider.existing(keyFile).stateKey());
      assertEquals(
          "vTPM state key file "
              + keyFile
              + " has permissions "
              + mode
              + ": a state key must not be readable or writable by group or others (chmod 600 "
              + keyFile
              + ")",
          e.getMessage());
      // createIfMissing refuses it too, rather than replace it.
      assertThrows(
          TpmStateKeyException.class, () -> KeyFileStateKeyProvider.createIfMissing(keyFile));
    }
  }

  @Test
  void anOwnerOnlyKeyFileIsAccepted() throws Exception {
    for (String mode : new String[] {"rw-------", "r--------"}) {
      Path keyFile = writeKey("ok.key", new byte[32], mode);
      assertEquals(
          32, KeyFileStateKeyProvider.existing(keyFile).stateKey().key().getEncoded().length);
    }
  }

  @Test
  void aDirectoryIsNotAKeyFile() throws Exception {
    Path keyDir = Files.createDirectory(dir.resolve("key.d"));
    Files.setPosixFilePermissions(keyDir, PosixFilePermissions.fromString("rwx------"));
    var e =
        assertThrows(
            TpmStateKeyException.class, () -> KeyFileStateKeyProvider.existing(keyDir).stateKey());
    assertEquals("vTPM state key file " + keyDir + " is not a regular file", e.getMessage());
  }

  private Path writeKey(String name, byte[] content, String mode) throws IOException {
    Path keyFile = dir.resolve(name);
    Files.write(keyFile, content);
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString(mode));
    return keyFile;
  }
}
