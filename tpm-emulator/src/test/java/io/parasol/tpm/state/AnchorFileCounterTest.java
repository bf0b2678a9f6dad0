package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.parasol.tpm.state.proto.RollbackAnchorBody;
import io.parasol.tpm.state.proto.RollbackAnchorFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnchorFileCounterTest {

  @TempDir Path dir;

  private Path anchorFile;
  private KeyFileStateKeyProvider keys;

  @BeforeEach
  void setUp() throws Exception {
    anchorFile = dir.resolve("anchors/vtpm0.anchor");
    keys = KeyFileStateKeyProvider.createIfMissing(dir.resolve("state.key"));
  }

  @Test
  void aMissingAnchorReadsAsZeroAndIsNotCreatedByReading() throws Exception {
    assertEquals(0, new AnchorFileCounter(anchorFile, keys).read());
    assertFalse(Files.exists(anchorFile));
  }

  @Test
  void advancesPersistAndNeverGoDown() throws Exception {
    AnchorFileCounter counter = new AnchorFileCounter(anchorFile, keys);
    counter.advanceTo(5);
    counter.advanceTo(5);
    counter.advanceTo(17);
    assertEquals(17, new AnchorFileCounter(anchorFile, keys).read());
    assertThrows(IllegalArgumentException.class, () -> counter.advanceTo(16));
    assertEquals(17, counter.read());
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(anchorFile)));
  }

  @Test
  void aForgedGenerationFailsTheMac() throws Exception {
    new AnchorFileCounter(anchorFile, keys).advanceTo(9);
    RollbackAnchorFile anchor = RollbackAnchorFile.parseFrom(Files.readAllBytes(anchorFile));
    RollbackAnchorBody lowered =
        RollbackAnchorBody.parseFrom(anchor.getBody()).toBuilder().setGeneration(0).build();
    Files.write(
        anchorFile, anchor.toBuilder().setBody(lowered.toByteString()).build().toByteArray());
    var e =
        assertThrows(
            TpmStateWrongKeyException.class, () -> new AnchorFileCounter(anchorFile, keys).read());
    assertEquals(
        "rollback anchor "
            + anchorFile
            + " does not authenticate: it was written under a different key or altered",
        e.getMessage());
  }

  @Test
  void aChangedMacIsRefused() throws Exception {
    new AnchorFileCounter(anchorFile, keys).advanceTo(3);
    RollbackAnchorFile anchor = RollbackAnchorFile.parseFrom(Files.readAllBytes(anchorFile));
    byte[] mac = anchor.getMac().toByteArray();
    mac[0] ^= 1;
    Files.write(
        anchorFile, anchor.toBuilder().setMac(ByteString.copyFrom(mac)).build().toByteArray());
    assertThrows(
        TpmStateWrongKeyException.class, () -> new AnchorFileCounter(anchorFile, keys).read());
  }

  @Test
  void anAnchorOfAnotherKeyIsRefused() throws Exception {
    new AnchorFileCounter(anchorFile, keys).advanceTo(3);
    KeyFileStateKeyProvider other = KeyFileStateKeyProvider.createIfMissing(dir.resolve("o.key"));
    var e =
        assertThrows(
            TpmStateWrongKeyException.class, () -> new AnchorFileCounter(anchorFile, other).read());
    assertTrue(e.getMessage().contains("belongs to key " + keys.stateKey().keyId()));
  }

  @Test
  void aCorruptOrForeignAnchorIsRefused() throws Exception {
    Files.createDirectories(anchorFile.getParent());
    Files.write(anchorFile, new byte[] {0x0a, 0x7f, 0x01});
    assertThrows(
        TpmStateCorruptException.class, () -> new AnchorFileCounter(anchorFile, keys).read());
    Files.write(
        anchorFile,
        RollbackAnchorFile.newBuilder()
            .setBody(RollbackAnchorBody.newBuilder().setMagic(0x50565453).build().toByteString())
            .build()
            .toByteArray());
    assertThrows(
        TpmStateCorruptException.class, () -> new AnchorFileCounter(anchorFile, keys).read());
    Files.write(
        anchorFile,
        RollbackAnchorFile.newBuilder()
            .setBody(
                RollbackAnchorBody.newBuilder()
                    .setMagic(AnchorFileCounter.MAGIC)
                    .setFormatVersion(7)
                    .build()
                    .toByteString())
            .build()
            .toByteArray());
    assertEquals(
        7,
        assertThrows(
                TpmStateFormatException.class, () -> new AnchorFileCounter(anchorFile, keys).read())
            .formatVersion());
  }
}
