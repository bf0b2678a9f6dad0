package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandbyTest {
  @TempDir Path dir;

  @Test
  void aRequestSurvivesItsEncoding() {
    Standby.Request request =
        new Standby.Request(
            Path.of("/home/a user"),
            Path.of("/tmp/status"),
            List.of("run", "--cmdline", "console=ttyS0 quiet", "--kernel", "vmlinuz", "ünï"));
    assertEquals(request, Standby.Request.parse(request.encode()));
  }

  @Test
  void malformedRequestsAreRefusedWithAReason() {
    assertTrue(refused("hello\0/\0/s\0").contains("not a Parasol request"));
    assertTrue(refused(Standby.MAGIC + "\0/\0/s\0run").contains("NUL-terminated"));
    assertTrue(refused(Standby.MAGIC + "\0work\0/s\0run\0").contains("absolute"));
    assertTrue(refused(Standby.MAGIC + "\0/\0").contains("not a Parasol request"));
  }

  /** The reason a request is refused. */
  private static String refused(String request) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> Standby.Request.parse(request.getBytes(StandardCharsets.UTF_8)))
        .getMessage();
  }

  /**
   * The standby reads an empty request file as end-of-file, again and again, until it has content:
   * a restore swaps the file for the caller's, here the same file gets it.
   */
  @Test
  void theStandbyWaitsOnAnEmptyFileUntilARequestArrives() throws Exception {
    Path file = Files.createFile(dir.resolve("request"));
    Standby.Request request =
        new Standby.Request(dir, dir.resolve("status"), List.of("run", "--help"));
    try (InputStream in = Files.newInputStream(file)) {
      CompletableFuture<Standby.Request> awaited =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Standby.await(in);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(50);
      assertTrue(!awaited.isDone(), "an empty file is no request");
      Files.write(file, request.encode(), StandardOpenOption.APPEND);
      assertEquals(request, awaited.get(10, TimeUnit.SECONDS));
    }
  }

  /** A restored standby's relative paths are the caller's, not the directory it was started in. */
  @Test
  void relativePathsResolveAgainstTheCallersDirectory() {
    assertEquals(Path.of("vmlinuz"), Main.path("vmlinuz"));
    Main.callerDirectory = dir;
    try {
      assertEquals(dir.resolve("vmlinuz"), Main.path("vmlinuz"));
      assertEquals(Path.of("/boot/vmlinuz"), Main.path("/boot/vmlinuz"));
      MainTest.Result r = MainTest.parasol("run", "--serial", "none", "--flat", "missing.bin");
      assertEquals(1, r.exitCode(), r.err());
      assertTrue(r.err().contains(dir.resolve("missing.bin").toString()), r.err());
    } finally {
      Main.callerDirectory = null;
    }
  }
}
