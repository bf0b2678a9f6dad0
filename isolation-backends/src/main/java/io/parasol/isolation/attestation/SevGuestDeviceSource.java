package io.parasol.isolation.attestation;

import io.parasol.isolation.attestation.sys.GuestAttestationAbi;
import io.parasol.isolation.kvm.sys.ErrnoException;
import java.nio.file.Path;

/**
 * {@code /dev/sev-guest}: SNP_GET_EXT_REPORT, so the report comes with the certificate table the
 * host holds (VCEK or VLEK, ASK, ARK), or SNP_GET_REPORT when {@code certBufferBytes} is 0.
 */
public record SevGuestDeviceSource(Path device, int vmpl, int certBufferBytes)
    implements HardwareReportSource {
  /** The device's usual path. */
  public static final Path DEFAULT_DEVICE = Path.of("/dev/sev-guest");

  @Override
  public HardwareReport request(byte[] reportData) throws HardwareReportException {
    HardwareReportSource.checkReportData(reportData);
    try {
      GuestAttestationAbi.SnpResult r =
          GuestAttestationAbi.snpReport(device.toString(), reportData, vmpl, certBufferBytes);
      return new HardwareReport.Snp("sev_guest", r.report(), r.certificates());
    } catch (ErrnoException | GuestAttestationAbi.SnpRequestException e) {
      throw new HardwareReportException(e.getMessage(), e);
    }
  }
}
