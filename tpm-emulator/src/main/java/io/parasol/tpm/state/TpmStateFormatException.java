package io.parasol.tpm.state;

/**
 * A file carries the right magic number but a format version this code does not read: it was
 * written by a newer (or an unknown) Parasol.
 */
public final class TpmStateFormatException extends TpmStateException {

  private final int formatVersion;

  /** A file of format version {@code formatVersion}, described by {@code message}. */
  public TpmStateFormatException(String message, int formatVersion) {
    super(message);
    this.formatVersion = formatVersion;
  }

  /** The format version found in the file. */
  public int formatVersion() {
    return formatVersion;
  }
}
