package io.parasol.igvm.format;

/**
 * A file breaks a rule of the IGVM format. It names the first violation found: the file offset
 * where it is (the start of the offending field or header) and the rule.
 */
public final class IgvmFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final String rule;

  public IgvmFormatException(long offset, String rule) {
    super(String.format("invalid IGVM file at offset 0x%X: %s", offset, rule));
    this.offset = offset;
    this.rule = rule;
  }

  /** File offset of the violation. */
  public long offset() {
    return offset;
  }

  /** The rule that is broken, as a sentence without the offset. */
  public String rule() {
    return rule;
  }
}
