package io.parasol.tpm.eventlog;

import io.parasol.tpm.crypto.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An event log as firmware leaves it in memory (PFP §10.2): either crypto-agile — a first record in
 * the SHA-1 {@code TCG_PCClientPCREvent} format whose data is the {@link SpecIdEvent}, then {@code
 * TCG_PCR_EVENT2} records with one digest per listed bank — or legacy, all records in the SHA-1
 * format (TPM 1.2 firmware).
 *
 * <pre>
 * TCG_PCClientPCREvent   pcrIndex u32, eventType u32, digest[20],                     eventDataSize u32, event
 * TCG_PCR_EVENT2         pcrIndex u32, eventType u32, count u32, {algId u16, digest}*, eventSize u32, event
 * </pre>
 *
 * <p>A log is usually read from a fixed-size area (the TPM2 table's LAML, the CCEL area): reading
 * stops at the end of the bytes or where only zero (or 0xFF) padding is left. Anything else that
 * does not fit the format is an {@link EventLogException} naming the offset.
 *
 * @param specId the crypto-agile header, or empty for a legacy SHA-1 log
 * @param events the records after the header (every record of a legacy log)
 */
public record TcgEventLog(Optional<SpecIdEvent> specId, List<TcgEvent> events) {
  private static final int SHA1_SIZE = 20;
  private static final int SHA1_EVENT_HEADER = 4 + 4 + SHA1_SIZE + 4;

  public TcgEventLog {
    Objects.requireNonNull(specId, "specId");
    events = List.copyOf(events);
  }

  /** An empty crypto-agile log for these banks. */
  public static TcgEventLog cryptoAgile(List<HashAlgorithm> banks) {
    return new TcgEventLog(Optional.of(SpecIdEvent.forBanks(banks)), List.of());
  }

  /** This log with {@code event} appended; its digests must be exactly the log's banks. */
  public TcgEventLog with(TcgEvent event) {
    List<Integer> want = bankAlgIds();
    List<Integer> have = event.digests().stream().map(TcgEvent.Digest::algId).toList();
    if (!have.equals(want)) {
      throw new IllegalArgumentException(
          "the event's digests are for algorithms " + have + ", the log's banks are " + want);
    }
    for (TcgEvent.Digest d : event.digests()) {
      int size = specId.isPresent() ? specId.get().digestSize(d.algId()).orElseThrow() : SHA1_SIZE;
      if (d.value().length != size) {
        throw new IllegalArgumentException(
            String.format(
                "a 0x%04X digest has %d bytes, not %d", d.algId(), d.value().length, size));
      }
    }
    List<TcgEvent> more = new ArrayList<>(events);
    more.add(event);
    return new TcgEventLog(specId, more);
  }

  /** The {@code TPM_ALG_ID}s of the banks the log carries, in the header's order. */
  public List<Integer> bankAlgIds() {
    return specId
        .map(s -> s.algorithms().stream().map(SpecIdEvent.AlgorithmSize::algId).toList())
        .orElse(List.of(HashAlgorithm.SHA1.algId()));
  }

  /** The banks the log carries that this TPM's hashes can replay. */
  public List<HashAlgorithm> banks() {
    List<HashAlgorithm> out = new ArrayList<>();
    for (int alg : bankAlgIds()) {
      HashAlgorithm.fromAlgId(alg).ifPresent(out::add);
    }
    return Collections.unmodifiableList(out);
  }

  /** Reads a log; see the class comment for where it stops. */
  public static TcgEventLog parse(byte[] log) throws EventLogException {
    ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
    if (onlyPadding(log, 0)) {
      throw new EventLogException(0, "the log is empty");
    }
    TcgEvent first = readSha1Event(b);
    Optional<SpecIdEvent> specId = Optional.empty();
    List<TcgEvent> events = new ArrayList<>();
    // PFP §10.4.5.1 puts the Spec ID event on PCR 0; a confidential-computing event log (the UEFI
    // CC measurement protocol, TDX's CCEL) puts it on MR index 1, so the index is not checked.
    if (first.eventType() == TcgEventType.EV_NO_ACTION && SpecIdEvent.isSpecIdEvent(first.data())) {
      specId = Optional.of(SpecIdEvent.decode(first.data(), 0));
    } else {
      events.add(first);
    }
    while (b.hasRemaining() && !onlyPadding(log, b.position())) {
      events.add(specId.isPresent() ? readEvent2(b, specId.get()) : readSha1Event(b));
    }
    return new TcgEventLog(specId, events);
  }

  private static boolean onlyPadding(byte[] log, int from) {
    boolean zeros = true;
    boolean ones = true;
    for (int i = from; i < log.length && (zeros || ones); i++) {
      zeros &= log[i] == 0;
      ones &= log[i] == (byte) 0xFF;
    }
    return zeros || ones;
  }

  private static TcgEvent readSha1Event(ByteBuffer b) throws EventLogException {
    int at = b.position();
    if (b.remaining() < SHA1_EVENT_HEADER) {
      throw new EventLogException(
          at, "a SHA-1 format record is cut short after " + b.remaining() + " bytes");
    }
    int pcr = b.getInt();
    int type = b.getInt();
    byte[] digest = new byte[SHA1_SIZE];
    b.get(digest);
    byte[] data = readData(b, at);
    return new TcgEvent(
        pcr, type, List.of(new TcgEvent.Digest(HashAlgorithm.SHA1.algId(), digest)), data);
  }

  private static TcgEvent readEvent2(ByteBuffer b, SpecIdEvent spec) throws EventLogException {
    int at = b.position();
    if (b.remaining() < 12) {
      throw new EventLogException(at, "a record is cut short after " + b.remaining() + " bytes");
    }
    int pcr = b.getInt();
    int type = b.getInt();
    long count = b.getInt() & 0xFFFF_FFFFL;
    if (count == 0 || count > spec.algorithms().size()) {
      throw new EventLogException(
          at,
          "the record has "
              + count
              + " digests; the Spec ID event lists "
              + spec.algorithms().size()
              + " banks");
    }
    List<TcgEvent.Digest> digests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (b.remaining() < 2) {
        throw new EventLogException(at, "the record's digests are cut short");
      }
      int alg = b.getShort() & 0xFFFF;
      Optional<Integer> size = spec.digestSize(alg);
      if (size.isEmpty()) {
        throw new EventLogException(
            at,
            String.format(
                "the record has a digest for algorithm 0x%04X, which the Spec ID event does not list",
                alg));
      }
      for (TcgEvent.Digest d : digests) {
        if (d.algId() == alg) {
          throw new EventLogException(at, String.format("the record has two 0x%04X digests", alg));
        }
      }
      if (b.remaining() < size.get()) {
        throw new EventLogException(at, "the record's digests are cut short");
      }
      byte[] value = new byte[size.get()];
      b.get(value);
      digests.add(new TcgEvent.Digest(alg, value));
    }
    return new TcgEvent(pcr, type, digests, readData(b, at));
  }

  private static byte[] readData(ByteBuffer b, int at) throws EventLogException {
    if (b.remaining() < 4) {
      throw new EventLogException(at, "the record ends before its event size");
    }
    long size = b.getInt() & 0xFFFF_FFFFL;
    if (size > b.remaining()) {
      throw new EventLogException(
          at,
          "the record's event data is " + size + " bytes but only " + b.remaining() + " follow");
    }
    byte[] data = new byte[(int) size];
    b.get(data);
    return data;
  }

  /** The log's bytes, as firmware writes them (no padding). */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (specId.isPresent()) {
      writeSha1Event(out, 0, TcgEventType.EV_NO_ACTION, new byte[SHA1_SIZE], specId.get().encode());
      for (TcgEvent e : events) {
        ByteBuffer h = le(12);
        h.putInt(e.pcrIndex()).putInt(e.eventType()).putInt(e.digests().size());
        out.writeBytes(h.array());
        for (TcgEvent.Digest d : e.digests()) {
          out.writeBytes(le(2).putShort((short) d.algId()).array());
          out.writeBytes(d.value());
        }
        byte[] data = e.data();
        out.writeBytes(le(4).putInt(data.length).array());
        out.writeBytes(data);
      }
    } else {
      for (TcgEvent e : events) {
        writeSha1Event(
            out,
            e.pcrIndex(),
            e.eventType(),
            e.digest(HashAlgorithm.SHA1.algId()).orElse(new byte[SHA1_SIZE]),
            e.data());
      }
    }
    return out.toByteArray();
  }

  private static void writeSha1Event(
      ByteArrayOutputStream out, int pcr, int type, byte[] digest, byte[] data) {
    ByteBuffer h = le(SHA1_EVENT_HEADER);
    h.putInt(pcr).putInt(type).put(digest).putInt(data.length);
    out.writeBytes(h.array());
    out.writeBytes(data);
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
