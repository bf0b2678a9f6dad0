package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory's lock, as another process sees it. */
class TpmStateStoreLockTest {

  @TempDir Path root;

  @Test
  void anOpenStoreIsLockedAgainstOtherProcessesEvenAfterASecondOpenIsTurnedAway() throws Exception {
    Path stateDir = root.resolve("state");
    KeyFileStateKeyProvider keys = KeyFileStateKeyProvider.createIfMissing(root.resolve("key"));
    Path anchor = root.resolve("anchor");
    try (TpmStateStore store =
        TpmStateStore.open(stateDir, keys, new AnchorFileCounter(anchor, keys))) {
      var e =
          assertThrows(
              TpmStateException.class,
              () -> TpmStateStore.open(stateDir, keys, new AnchorFileCounter(anchor, keys)));
      assertTrue(e.getMessage().endsWith("is already open in this process"), e.getMessage());
      // fcntl locks are released when any descriptor of the file closes: the turned-away open
      // must not have opened (and closed) one.
      assertEquals("BUSY", probe(stateDir.resolve(TpmStateStore.LOCK_FILE_NAME)));
      store.save(new byte[] {1});
    }
    assertEquals("LOCKED", probe(stateDir.resolve(TpmStateStore.LOCK_FILE_NAME)));
  }

  private static String probe(Path lockFile) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classPath =
        Path.of(LockProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    Process probe =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                classPath,
                LockProbe.class.getName(),
                lockFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (!probe.waitFor(60, TimeUnit.SECONDS)) {
      probe.destroyForcibly();
      throw new IOException("the lock probe did not finish");
    }
    return new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
  }
}
