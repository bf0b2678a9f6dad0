package io.parasol.tools.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The console's escape sequences, as QEMU's {@code -nographic} console has them: {@code Ctrl-A x}
 * quits, {@code Ctrl-A h} prints help, {@code Ctrl-A Ctrl-A} sends one {@code Ctrl-A} to the guest.
 * Every other byte passes to the guest unchanged; an unknown key after {@code Ctrl-A} is dropped
 * together with the prefix.
 *
 * <p>Filters standard input on its way to the UART. Not thread-safe: one reader, the serial input
 * pump.
 */
final class ConsoleEscape extends FilterInputStream {
  /** Ctrl-A. */
  static final int PREFIX = 0x01;

  static final String HELP =
      "\r\nparasol console: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h shows this help\r\n";

  /** Wraps a terminal's input in the escape handling. */
  interface Factory {
    InputStream wrap(InputStream in);
  }

  private final Runnable quit;
  private final PrintStream messages;
  private boolean prefixSeen;

  /**
   * @param in the terminal's input
   * @param quit run (once per {@code Ctrl-A x}) to stop the VM
   * @param messages where help goes (the terminal)
   */
  ConsoleEscape(InputStream in, Runnable quit, PrintStream messages) {
    super(Objects.requireNonNull(in, "in"));
    this.quit = Objects.requireNonNull(quit, "quit");
    this.messages = Objects.requireNonNull(messages, "messages");
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    while ((n = read(one, 0, 1)) == 0) {
      // every byte read so far was part of an escape: read on
    }
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  /** Reads, removing escape sequences; returns 0 only when every byte read was one. */
  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n <= 0) {
      return n;
    }
    int out = off;
    for (int i = off; i < off + n; i++) {
      int c = b[i] & 0xFF;
      if (prefixSeen) {
        prefixSeen = false;
        switch (c) {
          case PREFIX -> b[out++] = (byte) PREFIX;
          case 'x', 'X' -> {
            messages.print("\r\nparasol: quit from the console (Ctrl-A x)\r\n");
            messages.flush();
            quit.run();
          }
          case 'h', 'H', '?' -> {
            messages.print(HELP);
            messages.flush();
          }
          default -> {} // unknown escape: dropped
        }
      } else if (c == PREFIX) {
        prefixSeen = true;
      } else {
        b[out++] = (byte) c;
      }
    }
    return out - off;
  }
}
