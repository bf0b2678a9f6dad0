package io.parasol.tpm.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replacing a file so that after a crash at any instant the name holds either the old content or
 * the new, complete content: write a temporary file in the same directory, force it to disk, rename
 * it over the old name, force the directory.
 *
 * <p>The steps are separate methods because the caller must know which of them succeeded: once
 * {@link #rename} has returned, the new content is visible (and is what the name holds after a
 * process crash), but only after {@link #syncDirectory} does it survive a power loss.
 *
 * <p>Temporary files are named {@code <target name>.tmp-<random>}; {@link #removeTemporaries}
 * deletes the ones a crash left behind. It must only run while no one else is writing the target.
 */
final class DurableWrite {

  private DurableWrite() {}

  /** The infix between the target's name and the random part of a temporary file's name. */
  static final String TEMPORARY_INFIX = ".tmp-";

  /**
   * Writes {@code content} to a new temporary file (mode 0600) next to {@code target} and forces it
   * to disk. On failure the temporary file is deleted.
   *
   * @return the temporary file
   */
  static Path writeTemporary(Path target, byte[] content) throws IOException {
    Path temporary =
        Files.createTempFile(
            target.getParent(),
            target.getFileName() + TEMPORARY_INFIX,
            "",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      // fsync(2), data and metadata: the rename below must never make a name point at blocks
      // that are not on disk yet.
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temporary);
      throw e;
    }
    return temporary;
  }

  /**
   * Renames {@code temporary} over {@code target} with rename(2), atomically replacing it. On
   * failure the temporary file is deleted and {@code target} is unchanged.
   */
  static void rename(Path temporary, Path target) throws IOException {
    try {
      // On Linux, ATOMIC_MOVE is rename(2), which replaces an existing target atomically.
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temporary);
      throw e;
    }
  }

  /** Forces {@code directory}'s entries to disk (fsync(2) on the directory, as Linux allows). */
  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Forces {@code file}'s content and metadata to disk. */
  static void syncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /**
   * Deletes the temporary files a crashed writer of {@code target} left behind.
   *
   * @return how many were deleted
   */
  static int removeTemporaries(Path target) throws IOException {
    String prefix = target.getFileName() + TEMPORARY_INFIX;
    int removed = 0;
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(target.getParent(), prefix + "*")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(entry)) {
          removed++;
        }
      }
    }
    return removed;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // The temporary file is removed by the next removeTemporaries.
    }
  }
}
