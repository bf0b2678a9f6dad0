package io.parasol.igvm.measure;

import io.parasol.igvm.format.PlatformType;
import java.util.HexFormat;

/**
 * The launch measurement of one platform of an IGVM file.
 *
 * @param platform the platform measured
 * @param compatibilityMask its mask bit in the file
 * @param kind what the digest is: SNP launch digest, TDX MRTD or VBS boot digest
 * @param digest SHA-384 (SNP, TDX) or SHA-256 (VBS)
 */
public record LaunchMeasurement(
    PlatformType platform, int compatibilityMask, Kind kind, byte[] digest) {
  /** The measurements Parasol computes. */
  public enum Kind {
    SNP_LAUNCH_DIGEST("SHA-384"),
    TDX_MRTD("SHA-384"),
    VBS_BOOT_DIGEST("SHA-256");

    private final String algorithm;

    Kind(String algorithm) {
      this.algorithm = algorithm;
    }

    /** The hash algorithm of the digest. */
    public String algorithm() {
      return algorithm;
    }
  }

  public LaunchMeasurement {
    digest = digest.clone();
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  /** The digest in lower-case hex. */
  public String hex() {
    return HexFormat.of().formatHex(digest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LaunchMeasurement m
        && m.platform == platform
        && m.compatibilityMask == compatibilityMask
        && m.kind == kind
        && java.util.Arrays.equals(m.digest, digest);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(digest) ^ platform.hashCode();
  }

  @Override
  public String toString() {
    return platform
        + " (mask 0x"
        + Integer.toHexString(compatibilityMask)
        + ") "
        + kind
        + " "
        + hex();
  }
}
