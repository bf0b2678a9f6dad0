package io.parasol.tpm.eventlog;

import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PCR values an event log claims: each bank's PCRs recomputed from their start values by
 * extending every event's digest in log order, {@code PCR := H(PCR || digest)}.
 *
 * <p>Start values are a PC Client TPM's after TPM2_Startup(CLEAR): zero, except PCRs 17–22 (all
 * ones) and PCR 0 when a {@code StartupLocality} event says the TPM was started from locality 3 or
 * 4 ({@code 0…0 || locality}). {@code EV_NO_ACTION} events are not extended. Banks the log carries
 * but this TPM cannot hash (SM3) are not replayed.
 */
public final class PcrReplay {
  /** PCRs a PC Client TPM has. */
  public static final int PCR_COUNT = 24;

  private final Map<HashAlgorithm, byte[][]> values;
  private final BitSet extended;

  private PcrReplay(Map<HashAlgorithm, byte[][]> values, BitSet extended) {
    this.values = values;
    this.extended = extended;
  }

  /** Replays {@code log}. */
  public static PcrReplay of(TcgEventLog log) throws EventLogException {
    List<HashAlgorithm> banks = log.banks();
    Map<HashAlgorithm, byte[][]> values = new EnumMap<>(HashAlgorithm.class);
    for (HashAlgorithm h : banks) {
      byte[][] pcrs = new byte[PCR_COUNT][];
      for (int i = 0; i < PCR_COUNT; i++) {
        pcrs[i] = new byte[h.digestSize()];
        if (i >= 17 && i <= 22) {
          java.util.Arrays.fill(pcrs[i], (byte) 0xFF);
        }
      }
      values.put(h, pcrs);
    }
    BitSet extended = new BitSet(PCR_COUNT);
    int index = 0;
    for (TcgEvent e : log.events()) {
      index++;
      if (e.eventType() == TcgEventType.EV_NO_ACTION) {
        Optional<Integer> locality = e.startupLocality();
        if (locality.isPresent()) {
          if (extended.get(0)) {
            throw new EventLogException(
                "event " + index + " sets the startup locality after PCR 0 was extended");
          }
          for (byte[][] pcrs : values.values()) {
            java.util.Arrays.fill(pcrs[0], (byte) 0);
            pcrs[0][pcrs[0].length - 1] = (byte) (int) locality.get();
          }
        }
        continue;
      }
      if (e.pcrIndex() < 0 || e.pcrIndex() >= PCR_COUNT) {
        throw new EventLogException(
            "event "
                + index
                + " extends PCR "
                + Integer.toUnsignedString(e.pcrIndex())
                + ", beyond PCR "
                + (PCR_COUNT - 1));
      }
      for (HashAlgorithm h : banks) {
        Optional<byte[]> digest = e.digest(h.algId());
        if (digest.isEmpty()) {
          continue;
        }
        byte[][] pcrs = values.get(h);
        pcrs[e.pcrIndex()] = h.digest(pcrs[e.pcrIndex()], digest.get());
      }
      extended.set(e.pcrIndex());
    }
    return new PcrReplay(values, extended);
  }

  /** The replayed banks. */
  public Set<HashAlgorithm> banks() {
    return values.keySet();
  }

  /** The value of {@code pcr} in bank {@code hash}, if the log carries that bank. */
  public Optional<byte[]> value(HashAlgorithm hash, int pcr) {
    byte[][] pcrs = values.get(hash);
    return pcrs == null ? Optional.empty() : Optional.of(pcrs[pcr].clone());
  }

  /** True when at least one event extended {@code pcr}. */
  public boolean isExtended(int pcr) {
    return extended.get(pcr);
  }

  /** The PCRs at least one event extended. */
  public BitSet extendedPcrs() {
    return (BitSet) extended.clone();
  }
}
