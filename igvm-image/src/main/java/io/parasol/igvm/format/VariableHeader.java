package io.parasol.igvm.format;

/**
 * One entry of the variable header section. Records validate the rules of their own fields when
 * constructed (IllegalArgumentException); rules between headers are checked by {@link IgvmFile}.
 */
public sealed interface VariableHeader
    permits PlatformHeader, InitializationHeader, DirectiveHeader {
  /** The type code written in the file. */
  int type();

  /** Compatibility mask, or 0 for headers that have none (they apply to every platform). */
  default int compatibilityMask() {
    return 0;
  }

  /** Whether this header applies to the platform whose mask bit is {@code platformBit}. */
  default boolean appliesTo(int platformBit) {
    int mask = compatibilityMask();
    return mask == 0 || (mask & platformBit) != 0;
  }

  /** The header's group. */
  default HeaderType.Group group() {
    return HeaderType.groupOf(type());
  }

  /**
   * A header whose type has the optional bit (31) set. It is kept as it was read and written back
   * unchanged; loaders and measurements skip it, as the specification allows a loader that does not
   * know the type to do.
   *
   * <p>DEVNOTE: Parasol skips every optional header, including ones whose base type it knows; it
   * never writes the optional bit on headers it makes. The reference crate 0.4.0 rejects the bit.
   *
   * @param type the type with bit 31 set; its base must lie in a group's range
   * @param content the entry's content (length bytes, without padding)
   */
  record OptionalHeader(int type, Blob content)
      implements PlatformHeader, InitializationHeader, DirectiveHeader {
    public OptionalHeader {
      java.util.Objects.requireNonNull(content, "content");
      if ((type & HeaderType.OPTIONAL_BIT) == 0) {
        throw new IllegalArgumentException(
            "header type " + HeaderType.name(type) + " has no optional bit: it must be known");
      }
      if (HeaderType.groupOf(type) == null) {
        throw new IllegalArgumentException(
            "optional header type " + HeaderType.name(type) + " is in no group's range");
      }
    }
  }

  /** Throws IllegalArgumentException with {@code rule} unless {@code ok}. */
  static void require(boolean ok, java.util.function.Supplier<String> rule) {
    if (!ok) {
      throw new IllegalArgumentException(
          rule.get()); // built only when broken: files have many headers
    }
  }

  static boolean pageAligned(long gpa) {
    return (gpa & 0xFFF) == 0;
  }

  static String hex(long value) {
    return "0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
  }
}
