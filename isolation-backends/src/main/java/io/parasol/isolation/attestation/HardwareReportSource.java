package io.parasol.isolation.attestation;

/**
 * A way to ask the platform for a hardware report that binds 64 bytes of caller data (REPORT_DATA /
 * REPORTDATA). Implementations: {@link ConfigfsTsmSource} (Linux configfs-tsm, SNP and TDX), {@link
 * SevGuestDeviceSource} (/dev/sev-guest), {@link TdxGuestDeviceSource} (/dev/tdx_guest) and {@link
 * NoHardwareSource} (plain KVM). {@link HardwareReportSources#probe} picks the one this machine
 * offers.
 */
public interface HardwareReportSource {
  /** The number of caller bytes every report binds. */
  int REPORT_DATA_BYTES = 64;

  /** Asks for a report binding {@code reportData} (exactly 64 bytes). */
  HardwareReport request(byte[] reportData) throws HardwareReportException;

  /** Checks the length of caller data. */
  static void checkReportData(byte[] reportData) {
    if (reportData.length != REPORT_DATA_BYTES) {
      throw new IllegalArgumentException("report data must be 64 bytes, not " + reportData.length);
    }
  }
}
