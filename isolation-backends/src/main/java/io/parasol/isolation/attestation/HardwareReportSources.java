package io.parasol.isolation.attestation;

import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the report interface a machine offers. */
public final class HardwareReportSources {
  private HardwareReportSources() {}

  /**
   * The first interface present, in order of preference: configfs-tsm under {@code tsmRoot}, the
   * SNP device, the TDX device; otherwise a source that answers "no hardware report" and names what
   * it looked for.
   */
  public static HardwareReportSource probe(Path tsmRoot, Path sevGuest, Path tdxGuest) {
    if (ConfigfsTsmSource.present(tsmRoot)) {
      return new ConfigfsTsmSource(tsmRoot, "parasol", -1);
    }
    if (Files.exists(sevGuest)) {
      return new SevGuestDeviceSource(sevGuest, 0, 16 * 1024);
    }
    if (Files.exists(tdxGuest)) {
      return new TdxGuestDeviceSource(tdxGuest);
    }
    return new NoHardwareSource(
        "no SEV-SNP or TDX report interface ("
            + tsmRoot
            + ", "
            + sevGuest
            + ", "
            + tdxGuest
            + " are absent): the platform is not a confidential VM");
  }

  /** {@link #probe(Path, Path, Path)} at the standard Linux paths. */
  public static HardwareReportSource probe() {
    return probe(
        ConfigfsTsmSource.DEFAULT_ROOT,
        SevGuestDeviceSource.DEFAULT_DEVICE,
        TdxGuestDeviceSource.DEFAULT_DEVICE);
  }
}
