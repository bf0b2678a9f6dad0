package io.parasol.igvm.measure;

import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import io.parasol.igvm.format.PlatformType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The launch measurement of each measurable platform of a file (SEV-SNP, TDX, VBS). */
public final class LaunchMeasurements {
  private LaunchMeasurements() {}

  /** One measurement per SEV-SNP, TDX and VSM_ISOLATION platform, in file order. */
  public static List<LaunchMeasurement> of(IgvmFile file) throws MeasurementException {
    List<LaunchMeasurement> list = new ArrayList<>();
    for (SupportedPlatform p : file.supportedPlatforms()) {
      Optional<LaunchMeasurement> m = of(file, p);
      if (m.isPresent()) {
        list.add(m.get());
      }
    }
    return list;
  }

  /** The measurement of {@code type}, or empty when the file has no such platform. */
  public static Optional<LaunchMeasurement> of(IgvmFile file, PlatformType type)
      throws MeasurementException {
    Optional<SupportedPlatform> p = file.platform(type);
    return p.isEmpty() ? Optional.empty() : of(file, p.get());
  }

  /** Whether Parasol measures {@code type}. */
  public static boolean measurable(PlatformType type) {
    return type == PlatformType.SEV_SNP
        || type == PlatformType.TDX
        || type == PlatformType.VSM_ISOLATION;
  }

  private static Optional<LaunchMeasurement> of(IgvmFile file, SupportedPlatform p)
      throws MeasurementException {
    int bit = p.compatibilityMask();
    return switch (p.platformType()) {
      case SEV_SNP ->
          Optional.of(
              new LaunchMeasurement(
                  p.platformType(),
                  bit,
                  LaunchMeasurement.Kind.SNP_LAUNCH_DIGEST,
                  SnpLaunchDigest.compute(file, bit)));
      case TDX ->
          Optional.of(
              new LaunchMeasurement(
                  p.platformType(),
                  bit,
                  LaunchMeasurement.Kind.TDX_MRTD,
                  TdxMrtd.compute(file, bit)));
      case VSM_ISOLATION ->
          Optional.of(
              new LaunchMeasurement(
                  p.platformType(),
                  bit,
                  LaunchMeasurement.Kind.VBS_BOOT_DIGEST,
                  VbsBootDigest.compute(file, bit)));
      default -> Optional.empty();
    };
  }
}
