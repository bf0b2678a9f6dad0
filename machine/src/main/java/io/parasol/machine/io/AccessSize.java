package io.parasol.machine.io;

/** The width of one guest access. */
public enum AccessSize {
  BYTE(1),
  WORD(2),
  DWORD(4),
  QWORD(8);

  private static final AccessSize[] BY_BYTES = {
    null, BYTE, WORD, null, DWORD, null, null, null, QWORD
  };

  private final int bytes;
  private final long mask;

  AccessSize(int bytes) {
    this.bytes = bytes;
    this.mask = bytes == 8 ? -1L : (1L << (bytes * 8)) - 1;
  }

  /** The width in bytes: 1, 2, 4 or 8. */
  public int bytes() {
    return bytes;
  }

  /** A mask of this width's bits, e.g. {@code 0xFFFF} for {@link #WORD}. */
  public long mask() {
    return mask;
  }

  /** The value a read of nothing returns: all ones at this width. */
  public long allOnes() {
    return mask;
  }

  /**
   * The size for a byte count.
   *
   * @throws IllegalArgumentException when {@code bytes} is not 1, 2, 4 or 8 (callers decoding a
   *     guest access check {@link #isValid(int)} first)
   */
  public static AccessSize ofBytes(int bytes) {
    if (!isValid(bytes)) {
      throw new IllegalArgumentException("not an access size: " + bytes + " bytes");
    }
    return BY_BYTES[bytes];
  }

  /** Whether {@code bytes} is a width a device can be accessed with. */
  public static boolean isValid(int bytes) {
    return bytes > 0 && bytes < BY_BYTES.length && BY_BYTES[bytes] != null;
  }
}
