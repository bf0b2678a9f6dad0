package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TPM the vTPM tests talk to through tpm2-tss: Parasol's ({@code parasol tpm serve}, the real
 * command line in its own JVM) or the reference, {@code swtpm socket} (libtpms).
 */
abstract sealed class TpmUnderTest implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 30;

  /** "parasol" or "swtpm", for reports. */
  abstract String name();

  /** The {@code TPM2TOOLS_TCTI} value that reaches this TPM. */
  abstract String tcti();

  /** Stops the TPM (SIGTERM) and returns its exit code. */
  abstract int stop() throws InterruptedException;

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code parasol tpm serve} as {@code ./parasol} runs it: host-tools.jar and its lib folder. */
  static final class Parasol extends TpmUnderTest {
    private static final Pattern MSSIM = Pattern.compile("^mssim: command ([0-9.]+):(\\d+) .*");
    private static final Pattern SWTPM = Pattern.compile("^swtpm: data ([0-9.]+):(\\d+) .*");

    private final Process process;
    private final List<String> output;
    private final CompletableFuture<String> rest;
    private final CompletableFuture<String> stderr;
    private final int mssimPort;
    private final int swtpmPort;

    private Parasol(
        Process process,
        List<String> output,
        CompletableFuture<String> rest,
        CompletableFuture<String> stderr) {
      this.process = process;
      this.output = output;
      this.rest = rest;
      this.stderr = stderr;
      this.mssimPort = port(MSSIM);
      this.swtpmPort = port(SWTPM);
    }

    /** The command line up to {@code Main}'s arguments. */
    static List<String> cli() {
      Path root = Path.of("..").toAbsolutePath().normalize();
      Path jar = root.resolve("host-tools/target/host-tools.jar");
      Path lib = root.resolve("host-tools/target/lib");
      if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
        fail(jar + " or " + lib + " is missing: build host-tools first (mvn package)");
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      return new ArrayList<>(
          List.of(
              java,
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "--sun-misc-unsafe-memory-access=allow",
              "-cp",
              jar + ":" + lib + "/*",
              "io.parasol.tools.cli.Main"));
    }

    /**
     * Starts {@code parasol tpm serve ARGS} and waits for its "ready" line. Add {@code --mssim 0}
     * and/or {@code --swtpm 0} to ARGS.
     */
    static Parasol start(String... args) throws IOException {
      List<String> command = cli();
      command.addAll(List.of("tpm", "serve"));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      CompletableFuture<String> stderr = TpmClientTools.drain(process.getErrorStream());
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<List<String>> ready =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> lines = new ArrayList<>();
                try {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                    if (line.equals("ready")) {
                      break;
                    }
                  }
                } catch (IOException e) {
                  lines.add("(unreadable: " + e.getMessage() + ")");
                }
                return lines;
              },
              TpmClientTools.READERS);
      List<String> lines;
      try {
        lines = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        process.destroyForcibly();
        throw new AssertionError("parasol tpm serve did not start: " + stderr.join(), e);
      }
      if (lines.isEmpty() || !lines.getLast().equals("ready")) {
        process.destroyForcibly();
        fail("parasol tpm serve did not start: " + lines + "\n" + stderr.join());
      }
      CompletableFuture<String> rest =
          CompletableFuture.supplyAsync(
              () -> {
                StringBuilder b = new StringBuilder();
                try {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    b.append(line).append('\n');
                  }
                } catch (IOException e) {
                  b.append("(unreadable: ").append(e.getMessage()).append(")");
                }
                return b.toString();
              },
              TpmClientTools.READERS);
      return new Parasol(process, lines, rest, stderr);
    }

    /** Runs {@code parasol ARGS} to its end (for refusals and usage errors). */
    static TpmClientTools.Result runToExit(String... args)
        throws IOException, InterruptedException {
      List<String> command = cli();
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      CompletableFuture<String> out = TpmClientTools.drain(process.getInputStream());
      CompletableFuture<String> err = TpmClientTools.drain(process.getErrorStream());
      if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        return new TpmClientTools.Result(-1, out.join(), "still running: " + err.join());
      }
      return new TpmClientTools.Result(process.exitValue(), out.join(), err.join());
    }

    private int port(Pattern pattern) {
      for (String line : output) {
        Matcher m = pattern.matcher(line);
        if (m.matches()) {
          return Integer.parseInt(m.group(2));
        }
      }
      return -1;
    }

    /** The lines printed up to and including "ready". */
    List<String> startOutput() {
      return output;
    }

    @Override
    String name() {
      return "parasol";
    }

    @Override
    String tcti() {
      if (mssimPort < 0) {
        fail("parasol tpm serve was started without --mssim");
      }
      return "mssim:host=127.0.0.1,port=" + mssimPort;
    }

    /** The swtpm-protocol data port, or -1. */
    int swtpmPort() {
      return swtpmPort;
    }

    long pid() {
      return process.pid();
    }

    /** SIGTERM, then the exit code (the process must end within 30 s). */
    @Override
    int stop() throws InterruptedException {
      if (process.isAlive()) {
        process.toHandle().destroy();
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("parasol tpm serve did not stop on SIGTERM within 30 s");
      }
      return process.exitValue();
    }

    /** SIGKILL, as a crash. */
    void kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    /** What it printed after "ready" (complete once it has ended). */
    String laterOutput() {
      return rest.join();
    }

    String stderr() {
      return stderr.join();
    }
  }

  /** {@code swtpm socket --tpm2} on a free pair of TCP ports, state in a directory. */
  static final class Swtpm extends TpmUnderTest {
    private final Process process;
    private final int port;

    private Swtpm(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Swtpm start(Path stateDir) throws IOException, InterruptedException {
      Files.createDirectories(stateDir);
      int port = freePortPair();
      Process process =
          new ProcessBuilder(
                  "swtpm",
                  "socket",
                  "--tpm2",
                  "--server",
                  "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                  "--ctrl",
                  "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                  "--flags",
                  "not-need-init,startup-clear",
                  "--tpmstate",
                  "dir=" + stateDir)
              .redirectErrorStream(true)
              .redirectOutput(stateDir.resolveSibling(stateDir.getFileName() + ".log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
      while (true) {
        try (Socket probe = new Socket()) {
          probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1), 1000);
          return new Swtpm(process, port);
        } catch (IOException notYet) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            process.destroyForcibly();
            fail("swtpm did not start on port " + port);
          }
          Thread.sleep(20);
        }
      }
    }

    @Override
    String name() {
      return "swtpm";
    }

    @Override
    String tcti() {
      return "swtpm:host=127.0.0.1,port=" + port;
    }

    int port() {
      return port;
    }

    @Override
    int stop() throws InterruptedException {
      process.toHandle().destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      return process.exitValue();
    }
  }

  /** A port p such that p and p + 1 were both free on the loopback address a moment ago. */
  static int freePortPair() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket first = new ServerSocket(0, 1, loopback)) {
        int p = first.getLocalPort();
        if (p >= 0xFFFF) {
          continue;
        }
        try (ServerSocket second = new ServerSocket(p + 1, 1, loopback)) {
          return p;
        } catch (IOException taken) {
          // try another pair
        }
      }
    }
    throw new IOException("no free pair of consecutive TCP ports");
  }
}
