package io.parasol.tpm.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test-only harness that runs a Debian {@code tpm2-tools} command (5.4, tpm2-tss 3.2.1) against a
 * server through a tpm2-tss TCTI, e.g. {@code run("mssim:host=127.0.0.1,port=2321", "tpm2_startup",
 * "-c")}.
 *
 * <p>The tools and the {@code mssim} and {@code swtpm} TCTIs come from the Debian packages {@code
 * tpm2-tools libtss2-tcti-mssim0 libtss2-tcti-swtpm0}. Where they are missing, {@link
 * #unavailableReason()} says so and callers skip (printing the reason), never silently pass.
 */
final class Tpm2Tools {
  private static final List<Path> BIN_DIRS =
      List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"));
  private static final List<Path> LIB_DIRS =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu"),
          Path.of("/usr/lib/aarch64-linux-gnu"),
          Path.of("/usr/lib64"),
          Path.of("/usr/lib"),
          Path.of("/usr/local/lib"));
  private static final long TIMEOUT_SECONDS = 30;

  /** What a tool printed and how it exited. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
    }
  }

  private Tpm2Tools() {}

  /** Why the tools cannot run here, or empty if they can. */
  static Optional<String> unavailableReason() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("tpm2_startup", "tpm2_getrandom")) {
      if (find(BIN_DIRS, tool).isEmpty()) {
        missing.add(tool + " (Debian package tpm2-tools)");
      }
    }
    for (String tcti : List.of("mssim", "swtpm")) {
      if (find(LIB_DIRS, "libtss2-tcti-" + tcti + ".so.0").isEmpty()) {
        missing.add("libtss2-tcti-" + tcti + ".so.0 (Debian package libtss2-tcti-" + tcti + "0)");
      }
    }
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "tpm2-tools transport tests skipped: missing "
                + String.join(", ", missing)
                + "; install with apt-get install tpm2-tools libtss2-tcti-mssim0"
                + " libtss2-tcti-swtpm0");
  }

  private static Optional<Path> find(List<Path> dirs, String name) {
    return dirs.stream()
        .map(d -> d.resolve(name))
        .filter(Files::isExecutable)
        .findFirst()
        .or(() -> dirs.stream().map(d -> d.resolve(name)).filter(Files::exists).findFirst());
  }

  /** The TCTI string for the mssim TCTI on TCP. */
  static String mssimTcp(Endpoint command) {
    Endpoint.Tcp tcp = (Endpoint.Tcp) command;
    return "mssim:host=" + tcp.address().getHostAddress() + ",port=" + tcp.port();
  }

  /** The TCTI string for the swtpm TCTI on TCP (control port = port + 1). */
  static String swtpmTcp(Endpoint data) {
    Endpoint.Tcp tcp = (Endpoint.Tcp) data;
    return "swtpm:host=" + tcp.address().getHostAddress() + ",port=" + tcp.port();
  }

  /** The TCTI string for the swtpm TCTI on Unix sockets (control = path + ".ctrl"). */
  static String swtpmUnix(Endpoint data) {
    return "swtpm:path=" + ((Endpoint.Unix) data).path();
  }

  /** Runs {@code tool args…} with {@code TPM2TOOLS_TCTI=tcti}; kills it after 30 seconds. */
  static Result run(String tcti, String tool, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(tool);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TPM2TOOLS_TCTI", tcti);
    builder.environment().put("TSS2_LOG", "all+ERROR");
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(tool + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    return new Result(process.exitValue(), stdout.join().trim(), stderr.join().trim());
  }

  private static CompletableFuture<String> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
          }
        });
  }
}
