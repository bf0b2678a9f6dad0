package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.parasol.tpm.state.proto.SealedStateFile;
import io.parasol.tpm.state.proto.SealedStateHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TpmStateStoreTest {

  @TempDir Path root;

  private Path stateDir;
  private Path anchorFile;
  private KeyFileStateKeyProvider keys;

  @BeforeEach
  void setUp() throws Exception {
    stateDir = root.resolve("state");
    anchorFile = root.resolve("keys/anchor");
    keys = KeyFileStateKeyProvider.createIfMissing(root.resolve("keys/state.key"));
  }

  private TpmStateStore open() throws TpmStateException {
    return TpmStateStore.open(stateDir, keys, new AnchorFileCounter(anchorFile, keys));
  }

  private TpmStateStore open(TpmStateStore.SaveFaults faults) throws TpmStateException {
    return TpmStateStore.open(stateDir, keys, new AnchorFileCounter(anchorFile, keys), faults);
  }

  private static byte[] payload(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Opens, saves each payload in turn, closes. */
  private void saveAll(String... payloads) throws TpmStateException {
    try (TpmStateStore store = open()) {
      for (String p : payloads) {
        store.save(payload(p));
      }
    }
  }

  private Optional<byte[]> reopenAndLoad() throws TpmStateException {
    try (TpmStateStore store = open()) {
      return store.load();
    }
  }

  @Test
  void aNewStoreIsEmptyAndCreatesItsDirectory() throws Exception {
    try (TpmStateStore store = open()) {
      assertEquals(Optional.empty(), store.load());
      assertEquals(0, store.generation());
    }
    assertTrue(Files.isDirectory(stateDir));
    assertFalse(Files.exists(stateDir.resolve(TpmStateStore.STATE_FILE_NAME)));
  }

  @Test
  void roundTripAcrossReopen() throws Exception {
    byte[] big = new byte[100_000];
    new java.util.Random(1).nextBytes(big);
    try (TpmStateStore store = open()) {
      store.save(payload("first"));
      store.save(big);
      assertEquals(2, store.generation());
      assertArrayEquals(big, store.load().orElseThrow());
    }
    try (TpmStateStore store = open()) {
      assertEquals(2, store.generation());
      assertArrayEquals(big, store.load().orElseThrow());
      store.save(new byte[0]);
    }
    assertArrayEquals(new byte[0], reopenAndLoad().orElseThrow());
    assertEquals(3, new AnchorFileCounter(anchorFile, keys).read());
  }

  @Test
  void thePayloadIsNotStoredInClear() throws Exception {
    byte[] secret = payload("endorsement primary seed: do not leak me, ".repeat(20));
    saveAll(new String(secret, StandardCharsets.UTF_8));
    byte[] file = Files.readAllBytes(stateDir.resolve(TpmStateStore.STATE_FILE_NAME));
    String asText = new String(file, StandardCharsets.ISO_8859_1);
    assertFalse(asText.contains("endorsement"));
    assertEquals(secret.length + 16, SealedStateFile.parseFrom(file).getCiphertext().size());
  }

  @Test
  void everyWriteUsesAFreshNonce() throws Exception {
    try (TpmStateStore store = open()) {
      store.save(payload("same"));
      ByteString first = header().getNonce();
      store.save(payload("same"));
      assertFalse(first.equals(header().getNonce()));
      assertEquals(12, first.size());
    }
  }

  // --- Tampering: every header field, and the ciphertext, is authenticated. ---

  @Test
  void aChangedMagicIsRefused() throws Exception {
    saveAll("state");
    rewriteHeader(h -> h.toBuilder().setMagic(0x12345678).build());
    var e = assertThrows(TpmStateCorruptException.class, this::reopenAndLoad);
    assertTrue(
        e.getMessage()
            .endsWith("is not a vTPM state file: its magic is 0x12345678, not 0x50565453"),
        e.getMessage());
  }

  @Test
  void anUnknownFormatVersionIsRefused() throws Exception {
    saveAll("state");
    rewriteHeader(h -> h.toBuilder().setFormatVersion(2).build());
    var e = assertThrows(TpmStateFormatException.class, this::reopenAndLoad);
    assertEquals(2, e.formatVersion());
    assertTrue(
        e.getMessage().endsWith("has format version 2, but this Parasol reads version 1 only"),
        e.getMessage());
  }

  @Test
  void aChangedKeyIdIsRefused() throws Exception {
    saveAll("state");
    rewriteHeader(h -> h.toBuilder().setKeyId("keyfile:0000000000000000").build());
    var e = assertThrows(TpmStateWrongKeyException.class, this::reopenAndLoad);
    assertTrue(
        e.getMessage()
            .contains(
                "was sealed under key keyfile:0000000000000000, but the key provider supplies key "
                    + keys.stateKey().keyId()),
        e.getMessage());
  }

  @Test
  void aChangedGenerationIsRefused() throws Exception {
    saveAll("one", "two", "three");
    // Raising the generation would get past the rollback check if it were not authenticated.
    rewriteHeader(h -> h.toBuilder().setGeneration(h.getGeneration() + 1).build());
    assertDoesNotAuthenticate();
  }

  @Test
  void aChangedNonceIsRefused() throws Exception {
    saveAll("state");
    rewriteHeader(
        h -> {
          byte[] nonce = h.getNonce().toByteArray();
          nonce[5] ^= 1;
          return h.toBuilder().setNonce(ByteString.copyFrom(nonce)).build();
        });
    assertDoesNotAuthenticate();
  }

  @Test
  void anExtraHeaderFieldIsRefused() throws Exception {
    saveAll("state");
    rewriteHeaderBytes(h -> h.concat(ByteString.copyFrom(new byte[] {0x30, 0x01}))); // field 6 = 1
    assertDoesNotAuthenticate();
  }

  @Test
  void aChangedCiphertextByteIsRefusedWhereverItIs() throws Exception {
    saveAll("a state long enough to flip bytes at its start, middle and in the GCM tag");
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    byte[] original = Files.readAllBytes(file);
    int ciphertextSize = SealedStateFile.parseFrom(original).getCiphertext().size();
    // The ciphertext is the last field: its bytes are the file's last bytes.
    for (int offset : new int[] {0, ciphertextSize / 2, ciphertextSize - 16, ciphertextSize - 1}) {
      byte[] tampered = original.clone();
      tampered[original.length - ciphertextSize + offset] ^= (byte) 0x80;
      Files.write(file, tampered);
      assertDoesNotAuthenticate();
    }
    Files.write(file, original);
    assertArrayEquals(
        payload("a state long enough to flip bytes at its start, middle and in the GCM tag"),
        reopenAndLoad().orElseThrow());
  }

  @Test
  void aFileChangedAfterOpenIsRefusedByLoad() throws Exception {
    try (TpmStateStore store = open()) {
      store.save(payload("state"));
      rewriteHeader(h -> h.toBuilder().setGeneration(9).build());
      assertThrows(TpmStateWrongKeyException.class, store::load);
    }
  }

  private void assertDoesNotAuthenticate() {
    var e = assertThrows(TpmStateWrongKeyException.class, this::reopenAndLoad);
    assertTrue(
        e.getMessage()
            .endsWith(
                "does not authenticate: the state was sealed under a different key or is corrupt"),
        e.getMessage());
  }

  // --- Keys ---

  @Test
  void aStateSealedUnderAnotherKeyFileIsRefused() throws Exception {
    saveAll("state");
    KeyFileStateKeyProvider other =
        KeyFileStateKeyProvider.createIfMissing(root.resolve("other/state.key"));
    var e =
        assertThrows(
            TpmStateWrongKeyException.class,
            () -> TpmStateStore.open(stateDir, other, new AnchorFileCounter(anchorFile, other)));
    // The anchor is read first; it names the key it belongs to.
    assertTrue(
        e.getMessage().contains("belongs to key " + keys.stateKey().keyId()), e.getMessage());
    // With a fresh anchor, the state file itself is refused for its key id.
    e =
        assertThrows(
            TpmStateWrongKeyException.class,
            () ->
                TpmStateStore.open(
                    stateDir, other, new AnchorFileCounter(root.resolve("other/anchor"), other)));
    assertTrue(e.getMessage().contains("was sealed under key " + keys.stateKey().keyId()));
  }

  @Test
  void aDifferentKeyUnderTheSameIdFailsTheTag() throws Exception {
    byte[] key = new byte[32];
    TpmStateKeyProvider right = () -> new StateKey("hw:slot0", new SecretKeySpec(key, "AES"));
    try (TpmStateStore store = TpmStateStore.open(stateDir, right, new MemoryCounter())) {
      store.save(payload("state"));
    }
    byte[] otherKey = key.clone();
    otherKey[31] = 1;
    TpmStateKeyProvider wrong = () -> new StateKey("hw:slot0", new SecretKeySpec(otherKey, "AES"));
    var e =
        assertThrows(
            TpmStateWrongKeyException.class,
            () -> TpmStateStore.open(stateDir, wrong, new MemoryCounter(1)));
    assertTrue(
        e.getMessage().endsWith("the state was sealed under a different key or is corrupt"),
        e.getMessage());
  }

  @Test
  void aMissingKeyFileIsReportedAsSuch() throws Exception {
    Path keyFile = root.resolve("nowhere/state.key");
    KeyFileStateKeyProvider missing = KeyFileStateKeyProvider.existing(keyFile);
    var e =
        assertThrows(
            TpmStateKeyException.class,
            () ->
                TpmStateStore.open(stateDir, missing, new AnchorFileCounter(anchorFile, missing)));
    assertEquals("vTPM state key file " + keyFile + " does not exist", e.getMessage());
  }

  // --- Rollback ---

  @Test
  void aReplayedOlderFileIsRefused() throws Exception {
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    Path saved = root.resolve("generation-7.copy");
    try (TpmStateStore store = open()) {
      for (int i = 1; i <= 9; i++) {
        store.save(payload("state " + i));
        if (i == 7) {
          Files.copy(file, saved);
        }
      }
    }
    Files.copy(saved, file, StandardCopyOption.REPLACE_EXISTING);
    var e = assertThrows(TpmStateRollbackException.class, this::open);
    assertTrue(
        e.getMessage()
            .startsWith(
                "state file generation 7 is older than the last seen 9: refusing a rolled-back"
                    + " vTPM state"),
        e.getMessage());
    assertEquals(7, e.fileGeneration());
    assertEquals(9, e.lastSeenGeneration());
  }

  @Test
  void aReplayWhileOpenIsRefusedByLoad() throws Exception {
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    try (TpmStateStore store = open()) {
      store.save(payload("one"));
      byte[] first = Files.readAllBytes(file);
      store.save(payload("two"));
      Files.write(file, first);
      var e = assertThrows(TpmStateRollbackException.class, store::load);
      assertTrue(
          e.getMessage().startsWith("state file generation 1 is older than the last seen 2"));
    }
  }

  @Test
  void aDeletedStateFileIsNotReplacedByAFreshVtpm() throws Exception {
    saveAll("one", "two");
    Files.delete(stateDir.resolve(TpmStateStore.STATE_FILE_NAME));
    var e = assertThrows(TpmStateRollbackException.class, this::open);
    assertTrue(
        e.getMessage().contains("records generation 2: the state was deleted or moved"),
        e.getMessage());
  }

  @Test
  void aDeletedAnchorIsRefused() throws Exception {
    saveAll("one", "two", "three");
    Files.delete(anchorFile);
    var e = assertThrows(TpmStateRollbackException.class, this::open);
    assertTrue(
        e.getMessage()
            .startsWith(
                "state file generation 3 is more than one ahead of the last seen 0: the rollback"
                    + " anchor "
                    + anchorFile
                    + " holds no generation (is it missing?)"),
        e.getMessage());
  }

  @Test
  void anAnchorRolledBackOnItsOwnIsRefused() throws Exception {
    Path savedAnchor = root.resolve("anchor.copy");
    try (TpmStateStore store = open()) {
      store.save(payload("one"));
      Files.copy(anchorFile, savedAnchor);
      store.save(payload("two"));
      store.save(payload("three"));
    }
    Files.copy(savedAnchor, anchorFile, StandardCopyOption.REPLACE_EXISTING);
    var e = assertThrows(TpmStateRollbackException.class, this::open);
    assertTrue(
        e.getMessage()
            .contains(
                "generation 3 is more than one ahead of the last seen 1: the rollback anchor"),
        e.getMessage());
  }

  @Test
  void stateAndAnchorRolledBackTogetherAreAcceptedAsDocumented() throws Exception {
    // The documented limit of a software anchor: a consistent older pair cannot be told apart.
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    try (TpmStateStore store = open()) {
      store.save(payload("one"));
      Files.copy(file, root.resolve("state.copy"));
      Files.copy(anchorFile, root.resolve("anchor.copy"));
      store.save(payload("two"));
    }
    Files.copy(root.resolve("state.copy"), file, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(root.resolve("anchor.copy"), anchorFile, StandardCopyOption.REPLACE_EXISTING);
    assertArrayEquals(payload("one"), reopenAndLoad().orElseThrow());
  }

  // --- Truncation and corruption ---

  @Test
  void everyTruncationOfTheFileIsRefusedAsCorrupt() throws Exception {
    saveAll("a small state");
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    byte[] whole = Files.readAllBytes(file);
    for (int length = 0; length < whole.length; length++) {
      Files.write(file, Arrays.copyOf(whole, length));
      int cut = length;
      assertThrows(
          TpmStateCorruptException.class, this::reopenAndLoad, () -> "truncated to " + cut);
    }
    Files.write(file, whole);
    assertArrayEquals(payload("a small state"), reopenAndLoad().orElseThrow());
  }

  @Test
  void truncationMessagesSayWhatIsWrong() throws Exception {
    saveAll("a small state");
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, new byte[0]);
    assertEquals(
        "vTPM state file " + file + " is empty",
        assertThrows(TpmStateCorruptException.class, this::open).getMessage());
    Files.write(file, Arrays.copyOf(whole, whole.length - 1));
    assertTrue(
        assertThrows(TpmStateCorruptException.class, this::open)
            .getMessage()
            .startsWith("vTPM state file " + file + " is truncated or corrupt: "));
  }

  @Test
  void aFileThatIsNotAStateFileIsRefused() throws Exception {
    Files.createDirectories(stateDir);
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    Files.write(file, payload("#!/bin/sh\necho not a vTPM state\n"));
    assertThrows(TpmStateCorruptException.class, this::open);
  }

  // --- Crash leftovers and failed writes ---

  @Test
  void temporaryFilesLeftByACrashAreRemovedOnOpen() throws Exception {
    saveAll("state");
    Path leftover = stateDir.resolve(TpmStateStore.STATE_FILE_NAME + ".tmp-123456");
    Files.write(leftover, payload("half a sta"));
    Path anchorLeftover = anchorFile.resolveSibling("anchor.tmp-42");
    Files.write(anchorLeftover, new byte[3]);
    Path unrelated = stateDir.resolve("notes.txt");
    Files.write(unrelated, payload("keep me"));
    assertArrayEquals(payload("state"), reopenAndLoad().orElseThrow());
    assertFalse(Files.exists(leftover));
    assertFalse(Files.exists(anchorLeftover));
    assertTrue(Files.exists(unrelated));
  }

  @Test
  void aWriteThatFailsBeforeTheRenameLeavesTheOldStateIntact() throws Exception {
    saveAll("old");
    try (TpmStateStore store = open(failAt(TpmStateStore.SaveStep.TEMPORARY_WRITTEN))) {
      var e = assertThrows(TpmStateException.class, () -> store.save(payload("new")));
      assertTrue(
          e.getMessage().endsWith("the previous state (generation 1) is intact"), e.getMessage());
      assertEquals(1, store.generation());
      assertArrayEquals(payload("old"), store.load().orElseThrow());
    }
    assertNoTemporaries();
    try (TpmStateStore store = open()) {
      assertArrayEquals(payload("old"), store.load().orElseThrow());
      store.save(payload("new"));
      assertEquals(2, store.generation());
    }
  }

  @Test
  void aFailedDirectorySyncIsRetriedBeforeTheNextSave() throws Exception {
    Path file = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    int[] calls = {0};
    TpmStateStore.SaveFaults onceAfterRename =
        step -> {
          if (step == TpmStateStore.SaveStep.RENAMED && calls[0]++ == 0) {
            throw new IOException("EIO");
          }
        };
    try (TpmStateStore store = open(onceAfterRename)) {
      var e = assertThrows(TpmStateException.class, () -> store.save(payload("one")));
      assertTrue(e.getMessage().contains("may not survive a power loss"), e.getMessage());
      assertTrue(Files.exists(file));
      assertEquals(0, new AnchorFileCounter(anchorFile, keys).read(), "not anchored yet");
      store.save(payload("two"));
      assertEquals(2, store.generation());
      assertEquals(2, new AnchorFileCounter(anchorFile, keys).read());
    }
    assertArrayEquals(payload("two"), reopenAndLoad().orElseThrow());
  }

  @Test
  void aStateSavedButNotAnchoredIsAcceptedAndAnchoredOnOpen() throws Exception {
    saveAll("one");
    try (TpmStateStore store = open(failAt(TpmStateStore.SaveStep.DIRECTORY_SYNCED))) {
      var e = assertThrows(TpmStateException.class, () -> store.save(payload("two")));
      assertTrue(e.getMessage().contains("could not record it"), e.getMessage());
    }
    // What a crash between the rename and the counter update leaves: file 2, anchor 1.
    assertEquals(1, new AnchorFileCounter(anchorFile, keys).read());
    try (TpmStateStore store = open()) {
      assertEquals(2, store.generation());
      assertArrayEquals(payload("two"), store.load().orElseThrow());
    }
    assertEquals(2, new AnchorFileCounter(anchorFile, keys).read());
  }

  @Test
  void aSaveAfterAFailedAnchorUpdateCatchesTheAnchorUpFirst() throws Exception {
    MemoryCounter counter = new MemoryCounter();
    try (TpmStateStore store =
        TpmStateStore.open(
            stateDir, keys, counter, failAtFirst(TpmStateStore.SaveStep.DIRECTORY_SYNCED))) {
      assertThrows(TpmStateException.class, () -> store.save(payload("one")));
      assertEquals(0, counter.value);
      store.save(payload("two"));
      // Generation 1 is recorded before generation 2 is written, so the file never runs two ahead.
      assertEquals(java.util.List.of(1L, 2L), counter.advances);
      assertEquals(2, store.generation());
    }
  }

  @Test
  void oneDirectoryHasOneStoreAtATime() throws Exception {
    try (TpmStateStore store = open()) {
      var e = assertThrows(TpmStateException.class, this::open);
      assertTrue(e.getMessage().endsWith("is already open in this process"), e.getMessage());
      store.save(payload("still mine"));
    }
    assertArrayEquals(payload("still mine"), reopenAndLoad().orElseThrow());
  }

  @Test
  void aClosedStoreRefusesToWork() throws Exception {
    TpmStateStore store = open();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.save(payload("x")));
    assertThrows(IllegalStateException.class, store::load);
  }

  private void assertNoTemporaries() throws IOException {
    try (var files = Files.list(stateDir)) {
      assertEquals(0, files.filter(f -> f.getFileName().toString().contains(".tmp-")).count());
    }
  }

  private static TpmStateStore.SaveFaults failAt(TpmStateStore.SaveStep failing) {
    return step -> {
      if (step == failing) {
        throw new IOException("injected failure at " + step);
      }
    };
  }

  private static TpmStateStore.SaveFaults failAtFirst(TpmStateStore.SaveStep failing) {
    boolean[] failed = {false};
    return step -> {
      if (step == failing && !failed[0]) {
        failed[0] = true;
        throw new IOException("injected failure at " + step);
      }
    };
  }

  private SealedStateHeader header() throws IOException {
    byte[] file = Files.readAllBytes(stateDir.resolve(TpmStateStore.STATE_FILE_NAME));
    return SealedStateHeader.parseFrom(SealedStateFile.parseFrom(file).getHeader());
  }

  private void rewriteHeader(UnaryOperator<SealedStateHeader> change) throws IOException {
    rewriteHeaderBytes(
        bytes -> {
          try {
            return change.apply(SealedStateHeader.parseFrom(bytes)).toByteString();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private void rewriteHeaderBytes(UnaryOperator<ByteString> change) throws IOException {
    Path path = stateDir.resolve(TpmStateStore.STATE_FILE_NAME);
    SealedStateFile file = SealedStateFile.parseFrom(Files.readAllBytes(path));
    Files.write(
        path, file.toBuilder().setHeader(change.apply(file.getHeader())).build().toByteArray());
  }

  /** A counter in memory, as a hardware counter would behave. */
  static final class MemoryCounter implements MonotonicCounter {
    long value;
    final java.util.List<Long> advances = new java.util.ArrayList<>();

    MemoryCounter() {}

    MemoryCounter(long value) {
      this.value = value;
    }

    @Override
    public long read() {
      return value;
    }

    @Override
    public void advanceTo(long generation) {
      if (generation < value) {
        throw new IllegalArgumentException("down");
      }
      if (generation > value) {
        advances.add(generation);
      }
      value = generation;
    }

    @Override
    public String description() {
      return "test counter";
    }
  }
}
