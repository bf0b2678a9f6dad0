package io.parasol.paravisor.tpm;

import io.parasol.paravisor.boot.BootMeasurement;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.client.TpmClient;
import io.parasol.tpm.client.TpmCommandException;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.eventlog.TcgEvent;
import io.parasol.tpm.eventlog.TcgEventLog;
import io.parasol.tpm.eventlog.TcgEventType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Parasol does as the platform's firmware before the guest runs, when the VM has a vTPM: it
 * starts the TPM (TPM2_Startup(CLEAR) at locality 0, so no {@code StartupLocality} event), extends
 * each measurement into every allocated PCR bank and records it in a crypto-agile event log whose
 * header lists those banks. The log is the guest's {@code binary_bios_measurements}: replaying it
 * gives exactly the PCRs.
 *
 * <p>The measurements, in order (PC Client PFP §3.3.4 PCR usage):
 *
 * <table>
 *   <caption>Parasol's measured boot</caption>
 *   <tr><th>PCR</th><th>event</th><th>data</th><th>digest of</th></tr>
 *   <tr><td>0</td><td>EV_S_CRTM_VERSION</td><td>"Parasol VERSION" (UTF-16LE, NUL)</td><td>the data</td></tr>
 *   <tr><td>1</td><td>EV_PLATFORM_CONFIG_FLAGS</td><td>"vcpus=N memory=BYTES"</td><td>the data</td></tr>
 *   <tr><td>1</td><td>EV_PLATFORM_CONFIG_FLAGS</td><td>"ACPI tables"</td><td>the ACPI blob</td></tr>
 *   <tr><td>0–7</td><td>EV_SEPARATOR</td><td>00 00 00 00</td><td>the data</td></tr>
 *   <tr><td>8, 9</td><td colspan="3">the boot image's {@link BootMeasurement}s (Linux, as GRUB: EV_IPL "kernel" and "initrd" in 9, "kernel_cmdline: LINE" in 8)</td></tr>
 * </table>
 */
public final class MeasuredBoot {
  private static final Logger LOG = LoggerFactory.getLogger(MeasuredBoot.class);

  /**
   * Where the log goes in guest memory: in the reserved BIOS area, after the ACPI tables and below
   * 0xF0000, which the guest scans for SMBIOS and MP tables.
   */
  public static final long LOG_ADDRESS = 0xE_8000L;

  /** The log area's size, the TPM2 table's LAML. */
  public static final int LOG_SIZE = 0x8000;

  private MeasuredBoot() {}

  /** The platform's own measurements, before the boot image's. */
  public static List<BootMeasurement> platformMeasurements(
      String version, int vcpus, long memoryBytes, byte[] acpiTables) {
    List<BootMeasurement> out = new ArrayList<>();
    byte[] crtm = ("Parasol " + version + "\0").getBytes(StandardCharsets.UTF_16LE);
    out.add(BootMeasurement.ofData(0, TcgEventType.EV_S_CRTM_VERSION, crtm));
    byte[] config =
        ("vcpus=" + vcpus + " memory=" + memoryBytes).getBytes(StandardCharsets.US_ASCII);
    out.add(BootMeasurement.ofData(1, TcgEventType.EV_PLATFORM_CONFIG_FLAGS, config));
    out.add(
        new BootMeasurement(
            1,
            TcgEventType.EV_PLATFORM_CONFIG_FLAGS,
            "ACPI tables".getBytes(StandardCharsets.US_ASCII),
            acpiTables));
    for (int pcr = 0; pcr <= 7; pcr++) {
      out.add(BootMeasurement.ofData(pcr, TcgEventType.EV_SEPARATOR, new byte[4]));
    }
    return out;
  }

  /**
   * Starts the TPM, which must just have been powered on, and measures {@code measurements} into
   * it.
   *
   * @return the event log ({@link #logArea} lays it out for guest memory)
   * @throws TpmCommandException when the TPM refuses a command (it is in failure mode, say)
   */
  public static TcgEventLog measure(TpmEngine engine, List<BootMeasurement> measurements)
      throws TpmCommandException {
    TpmClient tpm = new TpmClient(engine, Locality.ZERO);
    tpm.startup(TpmClient.SU_CLEAR);
    List<HashAlgorithm> banks = tpm.allocatedBanks();
    TcgEventLog log = TcgEventLog.cryptoAgile(banks);
    for (BootMeasurement m : measurements) {
      TcgEvent event = TcgEvent.measure(m.pcr(), m.eventType(), m.eventData(), m.measured(), banks);
      Map<HashAlgorithm, byte[]> digests = new LinkedHashMap<>();
      for (HashAlgorithm h : banks) {
        digests.put(h, event.digest(h.algId()).orElseThrow());
      }
      tpm.pcrExtend(m.pcr(), digests);
      log = log.with(event);
    }
    LOG.debug("measured boot: {} events in banks {}", measurements.size(), banks);
    return log;
  }

  /**
   * The log area's contents: {@code log} followed by zeroes to {@link #LOG_SIZE}, where a reader
   * that walks to the area's end stops.
   *
   * @throws IllegalArgumentException when the log does not fit the area
   */
  public static byte[] logArea(TcgEventLog log) {
    byte[] bytes = log.toBytes();
    if (bytes.length > LOG_SIZE) {
      throw new IllegalArgumentException(
          "the event log is " + bytes.length + " bytes; its area holds " + LOG_SIZE);
    }
    return java.util.Arrays.copyOf(bytes, LOG_SIZE);
  }
}
