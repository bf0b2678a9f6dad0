package io.parasol.igvm.format;

import java.util.Optional;

/**
 * The directives that ask the loader to write host data into a parameter area (IGVM_VHS_PARAMETER).
 */
public enum ParameterKind {
  /** u32: the number of VPs the host starts. */
  VP_COUNT(HeaderType.VP_COUNT_PARAMETER),
  SRAT(HeaderType.SRAT),
  MADT(HeaderType.MADT),
  /** Two {first page number, page count} ranges. */
  MMIO_RANGES(HeaderType.MMIO_RANGES),
  /** 24-byte memory map entries, sorted, ended by an entry with no pages. */
  MEMORY_MAP(HeaderType.MEMORY_MAP),
  /** A NUL-terminated ASCII command line. */
  COMMAND_LINE(HeaderType.COMMAND_LINE),
  SLIT(HeaderType.SLIT),
  PPTT(HeaderType.PPTT),
  DEVICE_TREE(HeaderType.DEVICE_TREE),
  /** u32 bit field: bit 0 memory is shared by default. */
  ENVIRONMENT_INFO(HeaderType.ENVIRONMENT_INFO_PARAMETER);

  private final int type;

  ParameterKind(int type) {
    this.type = type;
  }

  /** The header type code. */
  public int type() {
    return type;
  }

  public static Optional<ParameterKind> fromType(int type) {
    for (ParameterKind k : values()) {
      if (k.type == type) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
