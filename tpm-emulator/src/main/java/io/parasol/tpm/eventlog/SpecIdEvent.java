package io.parasol.tpm.eventlog;

import io.parasol.tpm.crypto.HashAlgorithm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code TCG_EfiSpecIDEvent} that opens a crypto-agile log (PFP §10.4.5.1): its signature
 * {@code "Spec ID Event03"}, the platform class, the specification version, the size of UINTN and
 * the banks the log carries with their digest sizes.
 *
 * <pre>
 * 0   signature           16 bytes "Spec ID Event03\0"
 * 16  platformClass       u32 (0 client, 1 server)
 * 20  specVersionMinor    u8 (0), specVersionMajor u8 (2), specErrata u8, uintnSize u8 (1: 32-bit, 2: 64-bit)
 * 24  numberOfAlgorithms  u32, then per algorithm: algorithmId u16, digestSize u16
 *     vendorInfoSize u8, vendorInfo
 * </pre>
 *
 * All integers little-endian, as everywhere in the log.
 */
public record SpecIdEvent(
    int platformClass,
    int specVersionMinor,
    int specVersionMajor,
    int specErrata,
    int uintnSize,
    List<AlgorithmSize> algorithms,
    byte[] vendorInfo) {

  static final byte[] SIGNATURE = "Spec ID Event03\0".getBytes(StandardCharsets.US_ASCII);

  /** A bank of the log and the size of its digests. */
  public record AlgorithmSize(int algId, int digestSize) {}

  public SpecIdEvent {
    algorithms = List.copyOf(algorithms);
    vendorInfo = vendorInfo.clone();
    if (vendorInfo.length > 0xFF) {
      throw new IllegalArgumentException("vendor info longer than 255 bytes");
    }
  }

  /**
   * The header a PC Client platform (PFP 1.05 errata 0, 64-bit UINTN) writes for a log with these
   * banks.
   */
  public static SpecIdEvent forBanks(List<HashAlgorithm> banks) {
    List<AlgorithmSize> sizes = new ArrayList<>();
    for (HashAlgorithm h : banks) {
      sizes.add(new AlgorithmSize(h.algId(), h.digestSize()));
    }
    return new SpecIdEvent(0, 0, 2, 0, 2, sizes, new byte[0]);
  }

  /** True when {@code data} (an event's data) starts with this event's signature. */
  static boolean isSpecIdEvent(byte[] data) {
    return data.length >= SIGNATURE.length
        && Arrays.equals(data, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
  }

  /** Decodes the event data of the log's first record, found at {@code offset} in the log. */
  static SpecIdEvent decode(byte[] data, long offset) throws EventLogException {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    try {
      b.position(SIGNATURE.length);
      int platformClass = b.getInt();
      int minor = b.get() & 0xFF;
      int major = b.get() & 0xFF;
      int errata = b.get() & 0xFF;
      int uintn = b.get() & 0xFF;
      long count = b.getInt() & 0xFFFF_FFFFL;
      if (count == 0 || count > b.remaining() / 4) {
        throw new EventLogException(offset, "Spec ID event lists " + count + " algorithms");
      }
      List<AlgorithmSize> algs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int alg = b.getShort() & 0xFFFF;
        int size = b.getShort() & 0xFFFF;
        if (size == 0 || size > 128) {
          throw new EventLogException(
              offset,
              String.format("Spec ID event gives algorithm 0x%04X %d-byte digests", alg, size));
        }
        Optional<HashAlgorithm> known = HashAlgorithm.fromAlgId(alg);
        if (known.isPresent() && known.get().digestSize() != size) {
          throw new EventLogException(
              offset,
              "Spec ID event gives "
                  + known.get()
                  + " "
                  + size
                  + "-byte digests, not "
                  + known.get().digestSize());
        }
        for (AlgorithmSize a : algs) {
          if (a.algId == alg) {
            throw new EventLogException(
                offset, String.format("Spec ID event lists algorithm 0x%04X twice", alg));
          }
        }
        algs.add(new AlgorithmSize(alg, size));
      }
      int vendorSize = b.get() & 0xFF;
      byte[] vendor = new byte[vendorSize];
      b.get(vendor);
      return new SpecIdEvent(platformClass, minor, major, errata, uintn, algs, vendor);
    } catch (java.nio.BufferUnderflowException e) {
      throw new EventLogException(offset, "Spec ID event is truncated (" + data.length + " bytes)");
    }
  }

  /** The event data of this header. */
  byte[] encode() {
    ByteBuffer b =
        ByteBuffer.allocate(SIGNATURE.length + 12 + 4 * algorithms.size() + 1 + vendorInfo.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(SIGNATURE).putInt(platformClass);
    b.put((byte) specVersionMinor).put((byte) specVersionMajor).put((byte) specErrata);
    b.put((byte) uintnSize).putInt(algorithms.size());
    for (AlgorithmSize a : algorithms) {
      b.putShort((short) a.algId).putShort((short) a.digestSize);
    }
    b.put((byte) vendorInfo.length).put(vendorInfo);
    return b.array();
  }

  /** The digest size of the bank with {@code algId}, if the log carries that bank. */
  public Optional<Integer> digestSize(int algId) {
    for (AlgorithmSize a : algorithms) {
      if (a.algId == algId) {
        return Optional.of(a.digestSize);
      }
    }
    return Optional.empty();
  }

  @Override
  public byte[] vendorInfo() {
    return vendorInfo.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpecIdEvent s
        && s.platformClass == platformClass
        && s.specVersionMinor == specVersionMinor
        && s.specVersionMajor == specVersionMajor
        && s.specErrata == specErrata
        && s.uintnSize == uintnSize
        && s.algorithms.equals(algorithms)
        && Arrays.equals(s.vendorInfo, vendorInfo);
  }

  @Override
  public int hashCode() {
    return algorithms.hashCode() * 31 + Arrays.hashCode(vendorInfo);
  }
}
