package io.parasol.backend.vhostuser;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The driver side of one split virtqueue (virtio v1.2 §2.7.13) in memory Parasol shares with a
 * vhost-user back end. The back end writes only the used ring; everything read from it is copied
 * once and checked (an ID that is not outstanding, a length larger than the chain's writable
 * bytes). Addresses in descriptors are offsets in the shared region, which the back end knows as
 * guest-physical addresses from SET_MEM_TABLE.
 */
final class SplitRingDriver {
  static final int DESC_F_NEXT = 1;
  static final int DESC_F_WRITE = 2;

  /** A buffer piece: an offset in the shared region, a length, and who writes it. */
  record Piece(long offset, int length, boolean deviceWrites) {}

  private final MemorySegment region;
  private final int size;
  private final long descOffset;
  private final long availOffset;
  private final long usedOffset;
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final int[] chainLength; // by head: descriptors in the chain, 0 if not outstanding
  private final long[] writableBytes; // by head
  private final int[][] chains; // by head: the chain's descriptors
  private int availIdx;
  private int lastUsedIdx;

  /** Ring bytes a queue of {@code size} needs (descriptors, avail, used; 4 KiB aligned pieces). */
  static long ringBytes(int size) {
    return align(16L * size) + align(6 + 2L * size) + align(6 + 8L * size);
  }

  private static long align(long v) {
    return (v + 4095) & ~4095L;
  }

  SplitRingDriver(MemorySegment region, long ringOffset, int size) {
    if (size <= 0 || Integer.bitCount(size) != 1 || size > 32768) {
      throw new IllegalArgumentException("queue size " + size);
    }
    this.region = region;
    this.size = size;
    this.descOffset = ringOffset;
    this.availOffset = descOffset + align(16L * size);
    this.usedOffset = availOffset + align(6 + 2L * size);
    region.asSlice(ringOffset, ringBytes(size)).fill((byte) 0);
    for (int i = 0; i < size; i++) {
      free.add(i);
    }
    this.chainLength = new int[size];
    this.writableBytes = new long[size];
    this.chains = new int[size][];
  }

  long descOffset() {
    return descOffset;
  }

  long availOffset() {
    return availOffset;
  }

  long usedOffset() {
    return usedOffset;
  }

  int size() {
    return size;
  }

  /** Free descriptors now. */
  synchronized int freeDescriptors() {
    return free.size();
  }

  /**
   * Writes a chain for {@code pieces} and publishes it; returns its head, or -1 if the ring has too
   * few free descriptors (the caller waits for completions).
   */
  synchronized int add(List<Piece> pieces) {
    if (pieces.isEmpty() || pieces.size() > free.size()) {
      return -1;
    }
    int[] descs = new int[pieces.size()];
    for (int i = 0; i < descs.length; i++) {
      descs[i] = free.poll();
    }
    long writable = 0;
    for (int i = 0; i < descs.length; i++) {
      Piece p = pieces.get(i);
      long at = descOffset + 16L * descs[i];
      int flags = (p.deviceWrites() ? DESC_F_WRITE : 0) | (i + 1 < descs.length ? DESC_F_NEXT : 0);
      region.set(ValueLayout.JAVA_LONG_UNALIGNED, at, p.offset());
      region.set(ValueLayout.JAVA_INT_UNALIGNED, at + 8, p.length());
      region.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 12, (short) flags);
      region.set(
          ValueLayout.JAVA_SHORT_UNALIGNED,
          at + 14,
          (short) (i + 1 < descs.length ? descs[i + 1] : 0));
      if (p.deviceWrites()) {
        writable += p.length();
      }
    }
    int head = descs[0];
    chainLength[head] = descs.length;
    writableBytes[head] = writable;
    // Keep the chain's descriptors so they return to the free list together.
    chains[head] = descs;
    region.set(
        ValueLayout.JAVA_SHORT_UNALIGNED,
        availOffset + 4 + 2L * (availIdx & (size - 1)),
        (short) head);
    VarHandle.releaseFence(); // §2.7.13.2: the ring entry before the index that publishes it
    availIdx = (availIdx + 1) & 0xFFFF;
    region.set(ValueLayout.JAVA_SHORT_UNALIGNED, availOffset + 2, (short) availIdx);
    VarHandle.fullFence();
    return head;
  }

  /** A used chain: its head and the length the back end reported. */
  record Completion(int head, long length) {}

  /**
   * The next used chain, or {@code null}. A back end that names a chain not outstanding or reports
   * more bytes than the chain could take breaks the ring: {@link IllegalStateException}.
   */
  synchronized Completion poll() {
    int usedIdx = Short.toUnsignedInt(region.get(ValueLayout.JAVA_SHORT_UNALIGNED, usedOffset + 2));
    if (usedIdx == lastUsedIdx) {
      return null;
    }
    VarHandle.acquireFence();
    int pending = (usedIdx - lastUsedIdx) & 0xFFFF;
    if (pending > size) {
      throw new IllegalStateException("back end moved the used index by " + pending);
    }
    long elem = usedOffset + 4 + 8L * (lastUsedIdx & (size - 1));
    long id = Integer.toUnsignedLong(region.get(ValueLayout.JAVA_INT_UNALIGNED, elem));
    long len = Integer.toUnsignedLong(region.get(ValueLayout.JAVA_INT_UNALIGNED, elem + 4));
    if (id >= size || chainLength[(int) id] == 0) {
      throw new IllegalStateException("back end used chain " + id + ", which is not outstanding");
    }
    int head = (int) id;
    if (len > writableBytes[head]) {
      throw new IllegalStateException(
          "back end wrote " + len + " bytes into a chain of " + writableBytes[head]);
    }
    lastUsedIdx = (lastUsedIdx + 1) & 0xFFFF;
    for (int d : chains[head]) {
      free.add(d);
    }
    chains[head] = null;
    chainLength[head] = 0;
    return new Completion(head, len);
  }
}
