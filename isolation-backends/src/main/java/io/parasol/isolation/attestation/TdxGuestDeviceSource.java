package io.parasol.isolation.attestation;

import io.parasol.isolation.attestation.sys.GuestAttestationAbi;
import io.parasol.isolation.kvm.sys.ErrnoException;
import java.nio.file.Path;

/**
 * {@code /dev/tdx_guest}: TDX_CMD_GET_REPORT0, the TDREPORT. A TDREPORT is MAC'd for this CPU only;
 * a relying party needs a quote, which configfs-tsm ({@link ConfigfsTsmSource}) obtains.
 */
public record TdxGuestDeviceSource(Path device) implements HardwareReportSource {
  /** The device's usual path. */
  public static final Path DEFAULT_DEVICE = Path.of("/dev/tdx_guest");

  @Override
  public HardwareReport request(byte[] reportData) throws HardwareReportException {
    HardwareReportSource.checkReportData(reportData);
    try {
      return new HardwareReport.TdxReport(
          "tdx_guest", GuestAttestationAbi.tdxReport(device.toString(), reportData));
    } catch (ErrnoException e) {
      throw new HardwareReportException(e.getMessage(), e);
    }
  }
}
