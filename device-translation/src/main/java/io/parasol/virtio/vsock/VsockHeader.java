package io.parasol.virtio.vsock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** struct virtio_vsock_hdr (virtio v1.2 §5.10.6), 44 bytes, little-endian, from a private copy. */
public record VsockHeader(
    long srcCid,
    long dstCid,
    long srcPort,
    long dstPort,
    long len,
    int type,
    int op,
    int flags,
    long bufAlloc,
    long fwdCnt) {
  public static final int BYTES = 44;
  public static final int TYPE_STREAM = 1;
  public static final int OP_REQUEST = 1;
  public static final int OP_RESPONSE = 2;
  public static final int OP_RST = 3;
  public static final int OP_SHUTDOWN = 4;
  public static final int OP_RW = 5;
  public static final int OP_CREDIT_UPDATE = 6;
  public static final int OP_CREDIT_REQUEST = 7;
  public static final int SHUTDOWN_RCV = 1;
  public static final int SHUTDOWN_SEND = 2;

  public static VsockHeader parse(MemorySegment s) {
    return new VsockHeader(
        s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
        s.get(ValueLayout.JAVA_LONG_UNALIGNED, 8),
        Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, 16)),
        Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, 20)),
        Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, 24)),
        Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 28)),
        Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 30)),
        s.get(ValueLayout.JAVA_INT_UNALIGNED, 32),
        Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, 36)),
        Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, 40)));
  }

  public byte[] toBytes() {
    byte[] b = new byte[BYTES];
    MemorySegment s = MemorySegment.ofArray(b);
    s.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, srcCid);
    s.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, dstCid);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 16, (int) srcPort);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 20, (int) dstPort);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, (int) len);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 28, (short) type);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 30, (short) op);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 32, flags);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 36, (int) bufAlloc);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 40, (int) fwdCnt);
    return b;
  }
}
