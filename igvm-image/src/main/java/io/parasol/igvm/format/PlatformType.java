package io.parasol.igvm.format;

import java.util.Optional;

/** IGVM platform types (SUPPORTED_PLATFORM.platform_type) and the architectures each runs on. */
public enum PlatformType {
  NATIVE(0x00, true, false),
  VSM_ISOLATION(0x01, true, true),
  SEV_SNP(0x02, true, false),
  TDX(0x03, true, false),
  SEV(0x04, true, false),
  SEV_ES(0x05, true, false),
  CCA(0x06, false, true);

  private final int value;
  private final boolean x64;
  private final boolean aarch64;

  PlatformType(int value, boolean x64, boolean aarch64) {
    this.value = value;
    this.x64 = x64;
    this.aarch64 = aarch64;
  }

  /** The byte in the file. */
  public int value() {
    return value;
  }

  /** Whether this platform exists on {@code architecture}. */
  public boolean runsOn(Architecture architecture) {
    return architecture == Architecture.X64 ? x64 : aarch64;
  }

  /** Whether the platform has VTLs at all (highest_vtl must be 0 where it has not). */
  public boolean hasVtls() {
    return this == VSM_ISOLATION || this == SEV_SNP || this == TDX;
  }

  public static Optional<PlatformType> fromValue(int value) {
    for (PlatformType type : values()) {
      if (type.value == value) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
