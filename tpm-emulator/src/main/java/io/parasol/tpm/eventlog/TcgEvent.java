package io.parasol.tpm.eventlog;

import io.parasol.tpm.crypto.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One record of an event log: the PCR it extended, its type, one digest per bank ({@code
 * TPML_DIGEST_VALUES}; a single SHA-1 digest in a legacy log) and the event data.
 *
 * <p>Algorithms are kept as {@code TPM_ALG_ID} numbers because a log may name banks this TPM does
 * not implement (SM3); its digests are carried and written back but not replayed.
 */
public record TcgEvent(int pcrIndex, int eventType, List<Digest> digests, byte[] data) {

  /** The data of the {@code EV_NO_ACTION} event that sets PCR 0's start value (PFP §10.4.5.3). */
  static final byte[] STARTUP_LOCALITY_SIGNATURE =
      "StartupLocality\0".getBytes(StandardCharsets.US_ASCII);

  /** One digest of an event: the bank's algorithm and the value extended into it. */
  public record Digest(int algId, byte[] value) {
    public Digest {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d && d.algId == algId && Arrays.equals(d.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * algId + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return String.format("0x%04X:%s", algId, HexFormat.of().formatHex(value));
    }
  }

  public TcgEvent {
    digests = List.copyOf(digests);
    data = data.clone();
  }

  /**
   * A measurement of {@code measured} into {@code pcrIndex} for every bank in {@code banks}, logged
   * with {@code data}: what a measuring loader extends and records.
   */
  public static TcgEvent measure(
      int pcrIndex, int eventType, byte[] data, byte[] measured, List<HashAlgorithm> banks) {
    List<Digest> digests = new ArrayList<>();
    for (HashAlgorithm h : banks) {
      digests.add(new Digest(h.algId(), h.digest(measured)));
    }
    return new TcgEvent(pcrIndex, eventType, digests, data);
  }

  /**
   * The {@code EV_NO_ACTION} event that records the locality of TPM2_Startup, so that a replay
   * starts PCR 0 at {@code 0…0 || locality} (PFP §10.4.5.3).
   */
  public static TcgEvent startupLocality(int locality, List<HashAlgorithm> banks) {
    if (locality < 0 || locality > 4) {
      throw new IllegalArgumentException("locality must be 0 to 4: " + locality);
    }
    List<Digest> digests = new ArrayList<>();
    for (HashAlgorithm h : banks) {
      digests.add(new Digest(h.algId(), new byte[h.digestSize()]));
    }
    byte[] data = Arrays.copyOf(STARTUP_LOCALITY_SIGNATURE, STARTUP_LOCALITY_SIGNATURE.length + 1);
    data[data.length - 1] = (byte) locality;
    return new TcgEvent(0, TcgEventType.EV_NO_ACTION, digests, data);
  }

  /** The locality a {@code StartupLocality} event records, if this is one. */
  public Optional<Integer> startupLocality() {
    if (eventType != TcgEventType.EV_NO_ACTION
        || data.length != STARTUP_LOCALITY_SIGNATURE.length + 1
        || !Arrays.equals(
            data,
            0,
            STARTUP_LOCALITY_SIGNATURE.length,
            STARTUP_LOCALITY_SIGNATURE,
            0,
            STARTUP_LOCALITY_SIGNATURE.length)) {
      return Optional.empty();
    }
    return Optional.of(data[data.length - 1] & 0xFF);
  }

  /** The digest for the bank with {@code algId}, if the event carries one. */
  public Optional<byte[]> digest(int algId) {
    for (Digest d : digests) {
      if (d.algId == algId) {
        return Optional.of(d.value());
      }
    }
    return Optional.empty();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcgEvent e
        && e.pcrIndex == pcrIndex
        && e.eventType == eventType
        && e.digests.equals(digests)
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pcrIndex, eventType, digests, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "PCR "
        + pcrIndex
        + " "
        + TcgEventType.name(eventType)
        + " "
        + digests
        + " ("
        + data.length
        + " bytes of data)";
  }
}
