package io.parasol.isolation.attestation;

/** A platform without confidential-computing hardware: every request says so explicitly. */
public record NoHardwareSource(String reason) implements HardwareReportSource {
  @Override
  public HardwareReport request(byte[] reportData) {
    HardwareReportSource.checkReportData(reportData);
    return new HardwareReport.None(reason);
  }
}
