package io.parasol.virtio.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * struct virtio_net_hdr (virtio v1.2 §5.1.6), 12 bytes with VERSION_1, parsed from a private copy.
 * The checks say which headers a negotiated feature set allows, in each direction: the guest cannot
 * make the host do an offload it did not negotiate, and the host cannot hand the guest one either.
 */
public record NetHeader(
    int flags,
    int gsoType,
    int hdrLen,
    int gsoSize,
    int csumStart,
    int csumOffset,
    int numBuffers) {
  public static final int BYTES = 12;
  public static final int F_NEEDS_CSUM = 1;
  public static final int F_DATA_VALID = 2;
  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;
  public static final int GSO_TCPV6 = 4;

  /** Parses the first 12 bytes of {@code s}. */
  public static NetHeader parse(MemorySegment s) {
    return new NetHeader(
        Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, 0)),
        Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, 1)),
        u16(s, 2),
        u16(s, 4),
        u16(s, 6),
        u16(s, 8),
        u16(s, 10));
  }

  private static int u16(MemorySegment s, long at) {
    return Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
  }

  /** Writes this header into the first 12 bytes of {@code s}. */
  public void writeTo(MemorySegment s) {
    s.set(ValueLayout.JAVA_BYTE, 0, (byte) flags);
    s.set(ValueLayout.JAVA_BYTE, 1, (byte) gsoType);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) hdrLen);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 4, (short) gsoSize);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) csumStart);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 8, (short) csumOffset);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 10, (short) numBuffers);
  }

  /** The same header with {@code numBuffers} replaced. */
  public NetHeader withNumBuffers(int n) {
    return new NetHeader(flags, gsoType, hdrLen, gsoSize, csumStart, csumOffset, n);
  }

  /**
   * Why this header may not travel with a frame of {@code frameBytes} given the {@code OFFLOAD_*}
   * bits {@code allowed} for its direction, or {@code null} if it may. {@code fromGuest} allows
   * NEEDS_CSUM only; toward the guest DATA_VALID is allowed too.
   */
  public String problem(int frameBytes, int allowed, boolean fromGuest) {
    int knownFlags = fromGuest ? F_NEEDS_CSUM : F_NEEDS_CSUM | F_DATA_VALID;
    if ((flags & ~knownFlags) != 0) {
      return "flags 0x" + Integer.toHexString(flags);
    }
    if ((flags & (F_NEEDS_CSUM | F_DATA_VALID)) != 0 && (allowed & NetBackend.OFFLOAD_CSUM) == 0) {
      return "a checksum offload that was not negotiated";
    }
    if ((flags & F_NEEDS_CSUM) != 0 && (long) csumStart + csumOffset + 2 > frameBytes) {
      return "checksum at " + csumStart + "+" + csumOffset + " outside a frame of " + frameBytes;
    }
    switch (gsoType) {
      case GSO_NONE -> {
        return null;
      }
      case GSO_TCPV4, GSO_TCPV6 -> {
        int needed = gsoType == GSO_TCPV4 ? NetBackend.OFFLOAD_TSO4 : NetBackend.OFFLOAD_TSO6;
        if ((allowed & needed) == 0) {
          return "segmentation type " + gsoType + " that was not negotiated";
        }
        if (gsoSize == 0 || (fromGuest && (flags & F_NEEDS_CSUM) == 0)) {
          return "segmentation without a segment size or partial checksum";
        }
        return null;
      }
      default -> {
        return "segmentation type " + gsoType;
      }
    }
  }
}
