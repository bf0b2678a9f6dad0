package io.parasol.igvm.format;

/** The platform group: which isolation platforms a file supports. */
public sealed interface PlatformHeader extends VariableHeader
    permits PlatformHeader.SupportedPlatform, VariableHeader.OptionalHeader {

  /**
   * SUPPORTED_PLATFORM (0x001): one platform the file can be loaded on, and its mask bit.
   *
   * @param compatibilityMask exactly one bit: the bit later headers use to name this platform
   * @param highestVtl 0 or 2 (0 where the platform has no VTLs)
   * @param platformVersion 1 for every defined platform
   * @param sharedGpaBoundary GPA above which memory is host-visible, 0 when not used
   */
  record SupportedPlatform(
      int compatibilityMask,
      int highestVtl,
      PlatformType platformType,
      int platformVersion,
      long sharedGpaBoundary)
      implements PlatformHeader {
    public SupportedPlatform {
      java.util.Objects.requireNonNull(platformType, "platformType");
      VariableHeader.require(
          Integer.bitCount(compatibilityMask) == 1,
          () ->
              "SUPPORTED_PLATFORM compatibility_mask "
                  + VariableHeader.hex(compatibilityMask & 0xFFFFFFFFL)
                  + " does not have exactly one bit set");
      VariableHeader.require(
          highestVtl == 0 || highestVtl == 2,
          () -> "SUPPORTED_PLATFORM highest_vtl " + highestVtl + " is not 0 or 2");
      VariableHeader.require(
          highestVtl == 0 || platformType.hasVtls(),
          () ->
              "SUPPORTED_PLATFORM highest_vtl must be 0 for "
                  + platformType
                  + ", which has no VTLs");
      VariableHeader.require(
          platformVersion == 1,
          () -> "SUPPORTED_PLATFORM platform_version " + platformVersion + " is not 1");
      VariableHeader.require(
          sharedGpaBoundary == 0
              || (platformType != PlatformType.NATIVE
                  && platformType != PlatformType.VSM_ISOLATION),
          () -> "SUPPORTED_PLATFORM shared_gpa_boundary must be 0 for " + platformType);
    }

    /** A platform at version 1 with no VTLs in use and no shared GPA boundary. */
    public static SupportedPlatform of(PlatformType type, int compatibilityMask) {
      return new SupportedPlatform(compatibilityMask, 0, type, 1, 0);
    }

    @Override
    public int type() {
      return HeaderType.SUPPORTED_PLATFORM;
    }
  }
}
