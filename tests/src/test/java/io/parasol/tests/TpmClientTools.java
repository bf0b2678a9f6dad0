package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real TPM software the vTPM tests drive: Debian's {@code tpm2-tools} 5.4 with the tpm2-tss
 * {@code mssim} and {@code swtpm} TCTIs, and {@code swtpm} (libtpms) as the reference TPM. {@link
 * #ensureInstalled} installs the missing ones with apt-get, as {@code scripts/lib.sh} does; when
 * that is impossible the test fails saying why (it never skips: CI runs as root with apt).
 */
final class TpmClientTools {
  static final long TOOL_TIMEOUT_SECONDS = 60;

  /** command → Debian package; the TCTIs are libraries, checked by their file. */
  private static final List<String[]> REQUIRED =
      List.of(
          new String[] {"/usr/bin/tpm2_startup", "tpm2-tools"},
          new String[] {"/usr/bin/swtpm", "swtpm"},
          new String[] {"/usr/bin/swtpm_setup", "swtpm-tools"},
          new String[] {"libtss2-tcti-mssim.so.0", "libtss2-tcti-mssim0"},
          new String[] {"libtss2-tcti-swtpm.so.0", "libtss2-tcti-swtpm0"});

  private static final List<Path> LIB_DIRS =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu"),
          Path.of("/usr/lib/aarch64-linux-gnu"),
          Path.of("/usr/lib64"),
          Path.of("/usr/lib"));

  private static boolean checked;

  private TpmClientTools() {}

  /** What a tool printed and how it exited. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  /** Installs tpm2-tools, its TCTIs and swtpm if any is missing; fails if it cannot. */
  static synchronized void ensureInstalled() throws IOException, InterruptedException {
    if (checked) {
      return;
    }
    List<String> missing = missingPackages();
    if (!missing.isEmpty()) {
      List<String> sudo = isRoot() ? List.of() : List.of("sudo", "-n");
      System.err.println("installing " + String.join(" ", missing) + " (apt-get)");
      run(sudo, List.of("apt-get", "update", "-qq"));
      List<String> install =
          new ArrayList<>(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends"));
      install.addAll(missing);
      run(sudo, install);
      List<String> still = missingPackages();
      if (!still.isEmpty()) {
        fail(
            "the vTPM tests need "
                + String.join(" ", still)
                + ", and apt-get did not install them");
      }
    }
    checked = true;
  }

  private static List<String> missingPackages() {
    List<String> missing = new ArrayList<>();
    for (String[] r : REQUIRED) {
      boolean present =
          r[0].startsWith("/")
              ? Files.isExecutable(Path.of(r[0]))
              : LIB_DIRS.stream().anyMatch(d -> Files.exists(d.resolve(r[0])));
      if (!present && !missing.contains(r[1])) {
        missing.add(r[1]);
      }
    }
    return missing;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> prefix, List<String> command)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      fail(
          "the vTPM tests need tpm2-tools and swtpm, and cannot run apt-get to install them ("
              + e.getMessage()
              + "): install tpm2-tools libtss2-tcti-mssim0 libtss2-tcti-swtpm0 swtpm swtpm-tools");
      return;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(String.join(" ", full) + " failed:\n" + out);
    }
  }

  /**
   * Runs {@code argv} in {@code directory} with {@code TPM2TOOLS_TCTI=tcti}; kills it after {@value
   * #TOOL_TIMEOUT_SECONDS} s.
   */
  static Result run(String tcti, Path directory, List<String> argv)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).directory(directory.toFile());
    builder.environment().put("TPM2TOOLS_TCTI", tcti);
    builder.environment().put("TSS2_LOG", "all+NONE");
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, stdout.join(), "timed out after " + TOOL_TIMEOUT_SECONDS + " s");
    }
    return new Result(process.exitValue(), stdout.join(), stderr.join());
  }

  /**
   * Runs blocking reads of child processes' pipes, each on its own daemon thread: the common pool
   * has a single thread on a two-core machine, and one blocked reader would starve the rest.
   */
  static final java.util.concurrent.Executor READERS =
      task -> Thread.ofPlatform().daemon().name("tpm-test-reader").start(task);

  static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
          }
        },
        READERS);
  }
}
