package io.parasol.igvm.format;

import java.util.Optional;

/** The processor architecture of a file (format v2; v1 files are x64). */
public enum Architecture {
  X64(0),
  AARCH64(1);

  private final int value;

  Architecture(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static Optional<Architecture> fromValue(int value) {
    for (Architecture a : values()) {
      if (a.value == value) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
