package io.parasol.igvm.format;

/**
 * Variable header type codes (IGVM_VHT_*) and their groups. Bit 31 of a type is the optional bit.
 */
public final class HeaderType {
  public static final int SUPPORTED_PLATFORM = 0x001;
  public static final int GUEST_POLICY = 0x101;
  public static final int RELOCATABLE_REGION = 0x102;
  public static final int PAGE_TABLE_RELOCATION_REGION = 0x103;
  public static final int CORIM_DOCUMENT = 0x104;
  public static final int CORIM_SIGNATURE = 0x105;
  public static final int CCA_POLICY = 0x106;
  public static final int PARAMETER_AREA = 0x301;
  public static final int PAGE_DATA = 0x302;
  public static final int PARAMETER_INSERT = 0x303;
  public static final int VP_CONTEXT = 0x304;
  public static final int REQUIRED_MEMORY = 0x305;

  /** Reserved (the former SHARED_BOUNDARY_GPA): never valid. */
  public static final int RESERVED_306 = 0x306;

  public static final int VP_COUNT_PARAMETER = 0x307;
  public static final int SRAT = 0x308;
  public static final int MADT = 0x309;
  public static final int MMIO_RANGES = 0x30A;
  public static final int SNP_ID_BLOCK = 0x30B;
  public static final int MEMORY_MAP = 0x30C;
  public static final int ERROR_RANGE = 0x30D;
  public static final int COMMAND_LINE = 0x30E;
  public static final int SLIT = 0x30F;
  public static final int PPTT = 0x310;
  public static final int VBS_MEASUREMENT = 0x311;
  public static final int DEVICE_TREE = 0x312;
  public static final int ENVIRONMENT_INFO_PARAMETER = 0x313;

  /** Bit 31: a loader that does not know the type may skip the header. */
  public static final int OPTIONAL_BIT = 0x8000_0000;

  private HeaderType() {}

  /** The three groups, in the order they must appear in a file. */
  public enum Group {
    PLATFORM,
    INITIALIZATION,
    DIRECTIVE
  }

  /** The group of {@code type} (optional bit ignored), or null when it is in no group's range. */
  public static Group groupOf(int type) {
    int base = type & ~OPTIONAL_BIT;
    if (base >= 0x001 && base <= 0x100) {
      return Group.PLATFORM;
    }
    if (base >= 0x101 && base <= 0x200) {
      return Group.INITIALIZATION;
    }
    if (base >= 0x301 && base <= 0x400) {
      return Group.DIRECTIVE;
    }
    return null;
  }

  /** Content size in bytes of a known type, or -1 for a type Parasol does not know. */
  public static int contentBytes(int type) {
    return switch (type) {
      case SUPPORTED_PLATFORM, GUEST_POLICY, CORIM_DOCUMENT, CORIM_SIGNATURE -> 16;
      case RELOCATABLE_REGION -> 48;
      case PAGE_TABLE_RELOCATION_REGION, CCA_POLICY -> 32;
      case PARAMETER_AREA, PARAMETER_INSERT, ERROR_RANGE -> 16;
      case PAGE_DATA, REQUIRED_MEMORY -> 24;
      case VP_CONTEXT -> 20;
      case VP_COUNT_PARAMETER,
          SRAT,
          MADT,
          MMIO_RANGES,
          MEMORY_MAP,
          COMMAND_LINE,
          SLIT,
          PPTT,
          DEVICE_TREE,
          ENVIRONMENT_INFO_PARAMETER ->
          8;
      case SNP_ID_BLOCK -> 696;
      case VBS_MEASUREMENT -> 864;
      default -> -1;
    };
  }

  /** The specification's name of {@code type}, or its number in hex. */
  public static String name(int type) {
    String optional = (type & OPTIONAL_BIT) != 0 ? " (optional)" : "";
    String name =
        switch (type & ~OPTIONAL_BIT) {
          case SUPPORTED_PLATFORM -> "SUPPORTED_PLATFORM";
          case GUEST_POLICY -> "GUEST_POLICY";
          case RELOCATABLE_REGION -> "RELOCATABLE_REGION";
          case PAGE_TABLE_RELOCATION_REGION -> "PAGE_TABLE_RELOCATION_REGION";
          case CORIM_DOCUMENT -> "CORIM_DOCUMENT";
          case CORIM_SIGNATURE -> "CORIM_SIGNATURE";
          case CCA_POLICY -> "CCA_POLICY";
          case PARAMETER_AREA -> "PARAMETER_AREA";
          case PAGE_DATA -> "PAGE_DATA";
          case PARAMETER_INSERT -> "PARAMETER_INSERT";
          case VP_CONTEXT -> "VP_CONTEXT";
          case REQUIRED_MEMORY -> "REQUIRED_MEMORY";
          case VP_COUNT_PARAMETER -> "VP_COUNT_PARAMETER";
          case SRAT -> "SRAT";
          case MADT -> "MADT";
          case MMIO_RANGES -> "MMIO_RANGES";
          case SNP_ID_BLOCK -> "SNP_ID_BLOCK";
          case MEMORY_MAP -> "MEMORY_MAP";
          case ERROR_RANGE -> "ERROR_RANGE";
          case COMMAND_LINE -> "COMMAND_LINE";
          case SLIT -> "SLIT";
          case PPTT -> "PPTT";
          case VBS_MEASUREMENT -> "VBS_MEASUREMENT";
          case DEVICE_TREE -> "DEVICE_TREE";
          case ENVIRONMENT_INFO_PARAMETER -> "ENVIRONMENT_INFO_PARAMETER";
          default -> String.format("0x%X", type & ~OPTIONAL_BIT);
        };
    return name + optional;
  }
}
