package io.parasol.tpm.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vTPM's persistent state: one sealed, versioned file ({@value #STATE_FILE_NAME}) in a state
 * directory, holding the engine's state as an opaque byte array.
 *
 * <p>Each {@link #save} seals the payload with AES-256-GCM as the next <em>generation</em> ({@link
 * SealedStateFormat}: the header with magic, format version, key id, generation and a fresh 96-bit
 * nonce is the associated data) and replaces the file atomically: temporary file in the same
 * directory, fsync, rename(2) over the old file, fsync of the directory. A crash at any instant
 * leaves either the previous state or the new one, complete; a failed save leaves the previous file
 * in place.
 *
 * <p>After the file is durable, the {@link MonotonicCounter} is advanced to its generation. On
 * {@link #open} (and {@link #load}) the file's authenticated generation <i>f</i> is compared with
 * the counter's value <i>c</i>:
 *
 * <ul>
 *   <li><i>f</i> = <i>c</i>: the latest state, accepted;
 *   <li><i>f</i> = <i>c</i> + 1: the latest state, whose save was interrupted before the counter
 *       was advanced; accepted, and the counter advanced now;
 *   <li><i>f</i> &lt; <i>c</i>: a rolled-back (replayed) file, refused;
 *   <li><i>f</i> &gt; <i>c</i> + 1, or no file while <i>c</i> &gt; 0: the counter was rolled back
 *       or lost, or the file was deleted; refused, since the state's freshness cannot be proved.
 * </ul>
 *
 * <p>No file and <i>c</i> = 0 is a vTPM that was never saved: {@link #load} returns empty. What the
 * software counter does and does not protect against is spelled out on {@link AnchorFileCounter}.
 *
 * <p>A store holds an exclusive lock ({@code fcntl} via {@link FileLock}) on {@value
 * #LOCK_FILE_NAME} in the directory from {@link #open} to {@link #close}, so two processes never
 * write one state; only under that lock does it delete temporary files a crashed writer left.
 * Methods are thread-safe.
 */
public final class TpmStateStore implements AutoCloseable {

  /** The sealed state file's name in the state directory. */
  public static final String STATE_FILE_NAME = "tpm-state.sealed";

  /** The lock file's name in the state directory. It is never deleted. */
  public static final String LOCK_FILE_NAME = "tpm-state.lock";

  /** The largest payload {@link #save} accepts: 32 MiB, far above any TPM's NV. */
  public static final int MAX_PAYLOAD_BYTES = 32 << 20;

  /** The largest state file {@link #load} reads: the largest payload plus room for the header. */
  static final int MAX_FILE_BYTES = MAX_PAYLOAD_BYTES + 4096;

  private static final Logger LOG = LoggerFactory.getLogger(TpmStateStore.class);

  /**
   * The state directories open in this JVM, by real path. fcntl locks belong to the process, and
   * closing <em>any</em> descriptor of the lock file releases them: a second store in the same
   * process must be turned away before it opens the lock file, not by the lock itself.
   */
  private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

  /** Where a save can be made to fail, for tests of failed writes. */
  enum SaveStep {
    /** The temporary file is written and forced; the rename has not happened. */
    TEMPORARY_WRITTEN,
    /** The rename has happened; the directory is not forced yet. */
    RENAMED,
    /** The new file is durable; the counter has not been advanced. */
    DIRECTORY_SYNCED
  }

  /** Called at each {@link SaveStep}; tests throw from it to simulate an I/O error there. */
  @FunctionalInterface
  interface SaveFaults {
    SaveFaults NONE = step -> {};

    void at(SaveStep step) throws IOException;
  }

  private final Path directory;
  private final Path lockedDirectory;
  private final Path stateFile;
  private final StateKeyDerivation keys;
  private final MonotonicCounter counter;
  private final FileChannel lockChannel;
  private final SaveFaults faults;
  private final SecureRandom random = new SecureRandom();

  /** The generation the state file holds, as far as this store knows; 0 if there is none. */
  private long generation;

  /** The highest generation known to be durable (file and directory entry forced). */
  private long durableGeneration;

  /** The counter's value as this store last read or set it. */
  private long anchoredGeneration;

  private boolean closed;

  private TpmStateStore(
      Path directory,
      Path lockedDirectory,
      StateKeyDerivation keys,
      MonotonicCounter counter,
      FileChannel lockChannel,
      SaveFaults faults) {
    this.directory = directory;
    this.lockedDirectory = lockedDirectory;
    this.stateFile = directory.resolve(STATE_FILE_NAME);
    this.keys = keys;
    this.counter = counter;
    this.lockChannel = lockChannel;
    this.faults = faults;
  }

  /**
   * Opens the state in {@code directory} (created, mode 0700, if missing): takes the directory's
   * lock, deletes temporary files a crash left, reads the counter, and reads and verifies the state
   * file if there is one, so that every reason the state cannot be used surfaces here.
   *
   * @throws TpmStateKeyException if the key provider has no usable key
   * @throws TpmStateWrongKeyException if the state or the counter was sealed under another key, or
   *     does not authenticate
   * @throws TpmStateCorruptException if the state file is empty, truncated or not a state file
   * @throws TpmStateFormatException if the state file has an unknown format version
   * @throws TpmStateRollbackException if the state file is older than the counter, missing, or
   *     further ahead of the counter than one interrupted save explains
   * @throws TpmStateException if the directory is in use by another store, or on an I/O error
   */
  public static TpmStateStore open(
      Path directory, TpmStateKeyProvider keyProvider, MonotonicCounter counter)
      throws TpmStateException {
    return open(directory, keyProvider, counter, SaveFaults.NONE);
  }

  static TpmStateStore open(
      Path directory, TpmStateKeyProvider keyProvider, MonotonicCounter counter, SaveFaults faults)
      throws TpmStateException {
    Objects.requireNonNull(counter, "counter");
    Path dir = directory.toAbsolutePath();
    StateKeyDerivation keys = StateKeyDerivation.of(keyProvider.stateKey());
    Path lockedDirectory = createDirectory(dir);
    FileChannel lockChannel = lock(lockedDirectory);
    TpmStateStore store =
        new TpmStateStore(dir, lockedDirectory, keys, counter, lockChannel, faults);
    try {
      store.recover();
      return store;
    } catch (TpmStateException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Creates the directory (mode 0700) if it does not exist; returns its real path. */
  private static Path createDirectory(Path dir) throws TpmStateException {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        DurableWrite.syncDirectory(dir.getParent());
      }
      return dir.toRealPath();
    } catch (IOException e) {
      throw new TpmStateException(
          "cannot create vTPM state directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Takes the directory's lock, for this JVM and then for other processes. */
  private static FileChannel lock(Path realDir) throws TpmStateException {
    if (!OPEN_DIRECTORIES.add(realDir)) {
      throw new TpmStateException(
          "vTPM state directory " + realDir + " is already open in this process");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              realDir.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new TpmStateException(
            "vTPM state directory " + realDir + " is in use by another process");
      }
      return channel;
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(channel);
      OPEN_DIRECTORIES.remove(realDir);
      throw new TpmStateException(
          "cannot lock vTPM state directory " + realDir + ": " + e.getMessage(), e);
    } catch (TpmStateException e) {
      closeQuietly(channel);
      OPEN_DIRECTORIES.remove(realDir);
      throw e;
    }
  }

  /** Cleans up after a crash and establishes the generation on disk; runs under the lock. */
  private void recover() throws TpmStateException {
    try {
      int removed = DurableWrite.removeTemporaries(stateFile);
      if (removed > 0) {
        LOG.info("removed {} temporary file(s) an interrupted save left in {}", removed, directory);
      }
    } catch (IOException e) {
      throw new TpmStateException(
          "cannot clean up temporary files in " + directory + ": " + e.getMessage(), e);
    }
    anchoredGeneration = counter.read();
    Optional<SealedStateFormat.Unsealed> state = readState();
    if (state.isEmpty()) {
      if (anchoredGeneration != 0) {
        throw new TpmStateRollbackException(
            "there is no vTPM state file %s, but the %s records generation %d: the state was deleted or moved; refusing to start a fresh vTPM in its place"
                .formatted(stateFile, counter.description(), anchoredGeneration),
            0,
            anchoredGeneration);
      }
      LOG.info("no vTPM state in {} yet", directory);
      return;
    }
    long fileGeneration = state.get().generation();
    checkNotRolledBack(fileGeneration, anchoredGeneration);
    if (fileGeneration > anchoredGeneration + 1) {
      String lost =
          anchoredGeneration == 0
              ? "the %s holds no generation (is it missing?)".formatted(counter.description())
              : "the %s was rolled back, replaced or lost".formatted(counter.description());
      throw new TpmStateRollbackException(
          "state file generation %d is more than one ahead of the last seen %d: %s; refusing a vTPM state whose freshness cannot be proved"
              .formatted(fileGeneration, anchoredGeneration, lost),
          fileGeneration,
          anchoredGeneration);
    }
    generation = fileGeneration;
    if (fileGeneration == anchoredGeneration + 1) {
      // The last save stopped between its rename and its counter update. Its file may still be
      // only in the page cache (the process died, not the machine): make it durable before the
      // counter says it exists, or a power loss now would make the older file look rolled back.
      try {
        DurableWrite.syncFile(stateFile);
        DurableWrite.syncDirectory(directory);
      } catch (IOException e) {
        throw new TpmStateException(
            "cannot sync vTPM state file " + stateFile + ": " + e.getMessage(), e);
      }
      LOG.info(
          "vTPM state generation {} was saved but not yet recorded in the {}: recording it",
          fileGeneration,
          counter.description());
      counter.advanceTo(fileGeneration);
      anchoredGeneration = fileGeneration;
    }
    durableGeneration = fileGeneration;
    LOG.info("opened vTPM state {} at generation {}", stateFile, fileGeneration);
  }

  private void checkNotRolledBack(long fileGeneration, long lastSeen)
      throws TpmStateRollbackException {
    if (fileGeneration < lastSeen) {
      throw new TpmStateRollbackException(
          "state file generation %d is older than the last seen %d: refusing a rolled-back vTPM state (%s, %s)"
              .formatted(fileGeneration, lastSeen, stateFile, counter.description()),
          fileGeneration,
          lastSeen);
    }
  }

  /**
   * Reads and verifies the state file again and returns its payload, or empty for a vTPM that was
   * never saved. The file must hold the generation this store opened or last saved.
   *
   * @throws TpmStateException as {@link #open} does, when the file was changed since
   */
  public synchronized Optional<byte[]> load() throws TpmStateException {
    ensureOpen();
    Optional<SealedStateFormat.Unsealed> state = readState();
    if (state.isEmpty()) {
      long lastSeen = Math.max(generation, anchoredGeneration);
      if (lastSeen != 0) {
        throw new TpmStateRollbackException(
            "vTPM state file %s has disappeared, but generation %d was written: refusing to start a fresh vTPM in its place"
                .formatted(stateFile, lastSeen),
            0,
            lastSeen);
      }
      return Optional.empty();
    }
    long fileGeneration = state.get().generation();
    checkNotRolledBack(fileGeneration, Math.max(generation, anchoredGeneration));
    if (fileGeneration != generation) {
      throw new TpmStateException(
          "vTPM state file %s holds generation %d, but this store wrote generation %d: another writer with the same key replaced it"
              .formatted(stateFile, fileGeneration, generation));
    }
    return Optional.of(state.get().payload());
  }

  /**
   * Seals {@code payload} as the next generation and replaces the state file with it durably, then
   * advances the counter. If this throws, the state file holds either the previous state or this
   * one (the message says which); the previous state is never damaged.
   *
   * @throws IllegalArgumentException if the payload is larger than {@link #MAX_PAYLOAD_BYTES}
   * @throws TpmStateException on an I/O error, or if the counter cannot be advanced
   */
  public synchronized void save(byte[] payload) throws TpmStateException {
    ensureOpen();
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "a vTPM state has at most " + MAX_PAYLOAD_BYTES + " bytes, not " + payload.length);
    }
    finishPreviousSave();
    long next = generation + 1;
    byte[] nonce = new byte[SealedStateFormat.NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = SealedStateFormat.seal(keys, next, nonce, payload);
    try {
      Path temporary = DurableWrite.writeTemporary(stateFile, sealed);
      try {
        faults.at(SaveStep.TEMPORARY_WRITTEN);
      } catch (IOException e) {
        Files.deleteIfExists(temporary);
        throw e;
      }
      DurableWrite.rename(temporary, stateFile);
    } catch (IOException e) {
      throw new TpmStateException(
          "cannot write vTPM state generation %d to %s: %s; the previous state (generation %d) is intact"
              .formatted(next, stateFile, e.getMessage(), generation),
          e);
    }
    // From here the new file is what the name holds: this generation number is used up.
    generation = next;
    try {
      faults.at(SaveStep.RENAMED);
      DurableWrite.syncDirectory(directory);
    } catch (IOException e) {
      throw new TpmStateException(
          "vTPM state generation %d was written to %s, but syncing %s failed: %s; it may not survive a power loss"
              .formatted(next, stateFile, directory, e.getMessage()),
          e);
    }
    durableGeneration = next;
    try {
      faults.at(SaveStep.DIRECTORY_SYNCED);
      counter.advanceTo(next);
    } catch (IOException | TpmStateException e) {
      throw new TpmStateException(
          "vTPM state generation %d is saved in %s, but the %s could not record it: %s"
              .formatted(next, stateFile, counter.description(), e.getMessage()),
          e);
    }
    anchoredGeneration = next;
  }

  /**
   * Completes what a failed save left undone, so that the state file is never more than one
   * generation ahead of the counter: forces the directory if its sync failed, then advances the
   * counter if that failed.
   */
  private void finishPreviousSave() throws TpmStateException {
    if (durableGeneration < generation) {
      try {
        DurableWrite.syncDirectory(directory);
      } catch (IOException e) {
        throw new TpmStateException(
            "cannot save vTPM state: syncing %s still fails: %s"
                .formatted(directory, e.getMessage()),
            e);
      }
      durableGeneration = generation;
    }
    if (anchoredGeneration < durableGeneration) {
      counter.advanceTo(durableGeneration);
      anchoredGeneration = durableGeneration;
    }
  }

  /** The generation the state file holds: 0 before the first save. */
  public synchronized long generation() {
    return generation;
  }

  /** The sealed state file. */
  public Path stateFile() {
    return stateFile;
  }

  /** Releases the directory's lock. Saving or loading after this throws. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(lockChannel);
      OPEN_DIRECTORIES.remove(lockedDirectory);
    }
  }

  private Optional<SealedStateFormat.Unsealed> readState() throws TpmStateException {
    byte[] bytes;
    try {
      long sizeBytes = Files.size(stateFile);
      if (sizeBytes > MAX_FILE_BYTES) {
        throw new TpmStateCorruptException(
            "vTPM state file %s is corrupt: it has %d bytes, more than the %d a state file can have"
                .formatted(stateFile, sizeBytes, MAX_FILE_BYTES));
      }
      bytes = Files.readAllBytes(stateFile);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TpmStateException(
          "cannot read vTPM state file " + stateFile + ": " + e.getMessage(), e);
    }
    return Optional.of(SealedStateFormat.unseal(keys, bytes, stateFile.toString()));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the vTPM state store for " + directory + " is closed");
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock; there is nothing else to undo.
      }
    }
  }
}
