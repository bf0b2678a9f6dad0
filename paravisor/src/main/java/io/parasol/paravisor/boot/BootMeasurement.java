package io.parasol.paravisor.boot;

import java.util.Arrays;
import java.util.Objects;

/**
 * One thing a loader measures before the guest runs: the bytes whose digest is extended into {@code
 * pcr}, and the event type and data the event log records beside it.
 *
 * @param pcr the PCR (PC Client PFP §3.3.4 PCR usage)
 * @param eventType a {@code io.parasol.tpm.eventlog.TcgEventType}
 * @param eventData what the log records (for the command line: the command line itself)
 * @param measured the bytes whose digest is extended
 */
public record BootMeasurement(int pcr, int eventType, byte[] eventData, byte[] measured) {
  public BootMeasurement {
    Objects.checkIndex(pcr, 24);
    eventData = eventData.clone();
    Objects.requireNonNull(measured, "measured");
  }

  /** A measurement whose event data is the measured bytes themselves. */
  public static BootMeasurement ofData(int pcr, int eventType, byte[] data) {
    return new BootMeasurement(pcr, eventType, data, data);
  }

  @Override
  public byte[] eventData() {
    return eventData.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BootMeasurement m
        && m.pcr == pcr
        && m.eventType == eventType
        && Arrays.equals(m.eventData, eventData)
        && Arrays.equals(m.measured, measured);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pcr, eventType, Arrays.hashCode(eventData), Arrays.hashCode(measured));
  }

  @Override
  public String toString() {
    return "PCR " + pcr + " " + new String(eventData, java.nio.charset.StandardCharsets.UTF_8);
  }
}
