package io.parasol.tools.cli;

import io.parasol.isolation.kvm.sys.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the terminal on standard input into raw mode for a serial console, so every key (Ctrl-C,
 * arrows, tab) goes to the guest as it is typed, and restores the saved mode on close and at JVM
 * exit. Uses {@code stty} on that terminal, as JLine does without a native library.
 *
 * <p>Does nothing when standard input is not a terminal (a pipe, a file, a CI job).
 */
final class RawTerminal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RawTerminal.class);

  private final String saved;
  private final Thread restoreAtExit;

  private RawTerminal(String saved) {
    this.saved = saved;
    this.restoreAtExit = Thread.ofPlatform().name("restore-terminal").unstarted(this::restore);
    if (saved != null) {
      Runtime.getRuntime().addShutdownHook(restoreAtExit);
    }
  }

  /** An object whose close does nothing, for consoles that are not the terminal. */
  static RawTerminal notATerminal() {
    return new RawTerminal(null);
  }

  /**
   * Raw mode if standard input and output are a terminal, else an object whose close does nothing.
   * (Asked of the kernel, not of {@code System.console()}: a process restored from a start-up
   * snapshot has the caller's streams, not those its JVM started with.)
   */
  static RawTerminal enterIfTerminal() {
    if (!LibC.isTerminal(0) || !LibC.isTerminal(1)) {
      return notATerminal();
    }
    try {
      String saved = stty("-g").strip();
      stty("raw", "-echo");
      return new RawTerminal(saved);
    } catch (IOException e) {
      LOG.warn("cannot put the terminal into raw mode ({}); the console stays line-buffered", e);
      return notATerminal();
    }
  }

  /** True when the terminal is in raw mode (and escape sequences are how to quit). */
  boolean isRaw() {
    return saved != null;
  }

  @Override
  public void close() {
    if (saved == null) {
      return;
    }
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(restoreAtExit);
    } catch (IllegalStateException e) {
      // already shutting down: the hook restores
    }
  }

  private synchronized void restore() {
    if (saved == null) {
      return;
    }
    try {
      stty(saved);
    } catch (IOException e) {
      System.err.println("parasol: could not restore the terminal (run 'stty sane'): " + e);
    }
  }

  private static String stty(String... args) throws IOException {
    String[] command = new String[args.length + 1];
    command[0] = "stty";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p =
        new ProcessBuilder(command)
            // Standard input, which enterIfTerminal found to be a terminal: /dev/tty would need a
            // controlling terminal, which a process restored from a start-up snapshot lacks.
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("stty " + String.join(" ", args) + " failed");
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for stty", e);
    }
  }
}
