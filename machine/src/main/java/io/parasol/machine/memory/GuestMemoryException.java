package io.parasol.machine.memory;

/** A guest-memory access that cannot be made, and why. */
public final class GuestMemoryException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why an access failed. */
  public enum Kind {
    /** Some byte of the range is not backed by guest RAM. */
    OUT_OF_RANGE,
    /** The range must be shared with the host but is private to the guest. */
    NOT_SHARED,
    /** The range must be private to the guest but is shared with the host. */
    NOT_PRIVATE
  }

  private final Kind kind;
  private final long gpa;
  private final long length;

  public GuestMemoryException(Kind kind, long gpa, long length) {
    super(describe(kind, gpa, length));
    this.kind = kind;
    this.gpa = gpa;
    this.length = length;
  }

  public Kind kind() {
    return kind;
  }

  /** The first guest-physical address of the failed access. */
  public long gpa() {
    return gpa;
  }

  /** The length in bytes of the failed access. */
  public long length() {
    return length;
  }

  private static String describe(Kind kind, long gpa, long length) {
    String what =
        switch (kind) {
          case OUT_OF_RANGE -> "is not guest RAM";
          case NOT_SHARED -> "is not shared with the host";
          case NOT_PRIVATE -> "is not private to the guest";
        };
    return String.format("guest memory 0x%x+0x%x %s", gpa, length, what);
  }
}
