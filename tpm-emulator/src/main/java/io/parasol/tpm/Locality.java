package io.parasol.tpm;

/**
 * The locality a command arrives at (TCG PC Client Platform TPM Profile, 3.2). Localities 0–4 are
 * the ones a PC platform defines; the mssim and swtpm protocols carry the same number.
 */
public enum Locality {
  ZERO,
  ONE,
  TWO,
  THREE,
  FOUR;

  /** The locality number, 0–4. */
  public int number() {
    return ordinal();
  }

  /**
   * The locality with this number.
   *
   * @throws IllegalArgumentException outside 0–4 (extended localities 32–255 are not supported)
   */
  public static Locality of(int number) {
    if (number < 0 || number > 4) {
      throw new IllegalArgumentException("locality " + number + " is not 0–4");
    }
    return values()[number];
  }
}
