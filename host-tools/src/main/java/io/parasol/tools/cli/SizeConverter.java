package io.parasol.tools.cli;

import picocli.CommandLine;

/** Reads a byte size such as {@code 512M}, {@code 2G} or {@code 65536} (binary units). */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toUpperCase(java.util.Locale.ROOT);
    long unit = 1;
    if (v.endsWith("IB")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("B")) {
      v = v.substring(0, v.length() - 1);
    }
    if (!v.isEmpty()) {
      switch (v.charAt(v.length() - 1)) {
        case 'K' -> unit = 1L << 10;
        case 'M' -> unit = 1L << 20;
        case 'G' -> unit = 1L << 30;
        case 'T' -> unit = 1L << 40;
        default -> unit = 1;
      }
      if (unit != 1) {
        v = v.substring(0, v.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n <= 0 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a size: use bytes or a number with K, M, G or T, e.g. 512M");
    }
  }
}
