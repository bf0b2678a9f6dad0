package io.parasol.tools.cli;

import io.parasol.paravisor.chipset.uart.FileSerialBackend;
import io.parasol.paravisor.chipset.uart.SerialBackend;
import io.parasol.paravisor.chipset.uart.StdioSerialBackend;
import io.parasol.paravisor.chipset.uart.UnixSocketSerialBackend;
import java.io.IOException;
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

  /** The back end, or null for none. */
  SerialBackend open() throws IOException {
    if (spec.equals("stdio")) {
      return StdioSerialBackend.system();
    }
    if (spec.equals("none")) {
      return null;
    }
    Path path = Path.of(spec.substring(5));
    return spec.startsWith("file:")
        ? new FileSerialBackend(path)
        : new UnixSocketSerialBackend(path);
  }
}
