package io.parasol.tpm.state;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process for {@link TpmStateStoreLockTest}: tries to lock the file given as its argument
 * the way {@link TpmStateStore} does, and prints {@code LOCKED} or {@code BUSY}.
 */
public final class LockProbe {

  private LockProbe() {}

  /** Argument: the lock file. */
  public static void main(String[] args) throws Exception {
    try (FileChannel channel =
        FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      System.out.println(lock == null ? "BUSY" : "LOCKED");
    }
  }
}
