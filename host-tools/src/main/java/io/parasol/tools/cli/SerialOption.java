package io.parasol.tools.cli;

import io.parasol.paravisor.chipset.uart.FileSerialBackend;
import io.parasol.paravisor.chipset.uart.SerialBackend;
import io.parasol.paravisor.chipset.uart.StdioSerialBackend;
import io.parasol.paravisor.chipset.uart.UnixSocketSerialBackend;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Parses {@code --serial}: {@code stdio}, {@code none}, {@code file:PATH} or {@code unix:PATH}. */
record SerialOption(String spec) {
  static final String HELP =
      "COM1's host side: stdio, none, file:PATH (append) or unix:PATH (listen).";

  SerialOption {
    if (!(spec.equals("stdio")
            || spec.equals("none")
            || spec.startsWith("file:")
            || spec.startsWith("unix:"))
        || spec.endsWith(":")) {
      throw new picocli.CommandLine.TypeConversionException(
          "'" + spec + "' is not a serial back end: use stdio, none, file:PATH or unix:PATH");
    }
  }

  /** True for the terminal (standard input and output). */
  boolean isStdio() {
    return spec.equals("stdio");
  }

  /**
   * The back end, or null for none.
   *
   * @param console for stdio on a raw terminal: the escape handling of the input; else null
   */
  SerialBackend open(ConsoleEscape.Factory console) throws IOException {
    if (spec.equals("stdio")) {
      InputStream in = new FileInputStream(FileDescriptor.in);
      return new StdioSerialBackend(
          console == null ? in : console.wrap(in), new FileOutputStream(FileDescriptor.out));
    }
    if (spec.equals("none")) {
      return null;
    }
    Path path = Main.path(spec.substring(5));
    return spec.startsWith("file:")
        ? new FileSerialBackend(path)
        : new UnixSocketSerialBackend(path);
  }
}
