package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver side of one virtqueue, built the way the spec's driver does (virtio v1.2 §2.7.13
 * split, §2.8.21 packed): it allocates buffers in guest memory, writes descriptors (direct or
 * through an indirect table), publishes them, reads the used ring back and honours event
 * suppression. Tests and fuzz targets drive devices with it; its raw accessors let malicious-driver
 * tests write any descriptor they like.
 */
public final class MockDriver {
  /** A used buffer as the driver sees it. */
  public record Used(int id, int length) {}

  private final GuestMemory memory;
  private final boolean packed;
  private final boolean indirect;
  private final boolean eventIdx;
  private final int size;
  private final long descGpa;
  private final long driverGpa;
  private final long deviceGpa;
  private long nextFree;
  private final long heapEnd;

  // split state
  private final Deque<Integer> freeDescriptors = new ArrayDeque<>();
  private int availIdx;
  private int lastUsedIdx;
  // packed state
  private int nextAvail;
  private boolean availWrap = true;
  private int nextUsed;
  private boolean usedWrap = true;
  private int freeSlots;
  private final Deque<Integer> freeIds = new ArrayDeque<>();

  private final Map<Integer, Chain> outstanding = new HashMap<>();
  private int lastNotifiedAvail;

  private record Chain(List<long[]> writable, int descriptors, List<Integer> splitDescs) {}

  /**
   * A driver for a queue of {@code size} whose rings start at {@code base} in {@code memory}, with
   * buffers allocated from {@code [heapStart, heapEnd)}.
   */
  public MockDriver(
      GuestMemory memory,
      boolean packed,
      int size,
      boolean indirect,
      boolean eventIdx,
      long base,
      long heapStart,
      long heapEnd) {
    this.memory = memory;
    this.packed = packed;
    this.size = size;
    this.indirect = indirect;
    this.eventIdx = eventIdx;
    this.descGpa = base;
    if (packed) {
      this.driverGpa = align(base + 16L * size, 4);
      this.deviceGpa = driverGpa + 4;
    } else {
      this.driverGpa = base + 16L * size;
      this.deviceGpa = align(driverGpa + 6 + 2L * size, 4);
    }
    this.nextFree = heapStart;
    this.heapEnd = heapEnd;
    for (int i = 0; i < size; i++) {
      freeDescriptors.add(i);
      freeIds.add(i);
    }
    freeSlots = size;
  }

  private static long align(long v, long a) {
    return (v + a - 1) & -a;
  }

  /** The feature bits this driver negotiates. */
  public long features() {
    long f = VirtioFeature.bit(VirtioFeature.VERSION_1);
    if (packed) {
      f |= VirtioFeature.bit(VirtioFeature.RING_PACKED);
    }
    if (indirect) {
      f |= VirtioFeature.bit(VirtioFeature.RING_INDIRECT_DESC);
    }
    if (eventIdx) {
      f |= VirtioFeature.bit(VirtioFeature.EVENT_IDX);
    }
    return f;
  }

  public QueueLayout layout() {
    return new QueueLayout(size, descGpa, driverGpa, deviceGpa);
  }

  public GuestMemory memory() {
    return memory;
  }

  public int size() {
    return size;
  }

  public boolean isPacked() {
    return packed;
  }

  /** Allocates {@code length} bytes of buffer memory, 8-byte aligned. */
  public long allocate(long length) {
    long at = align(nextFree, 8);
    if (at + length > heapEnd) {
      throw new IllegalStateException("mock driver heap exhausted");
    }
    nextFree = at + length;
    return at;
  }

  /** Resets the buffer heap (when nothing is outstanding). */
  public void resetHeap(long heapStart) {
    nextFree = heapStart;
  }

  /**
   * Makes a buffer available: {@code readable} pieces the device reads, then writable pieces of
   * {@code writableLengths}. Returns the ID the device will hand back, or -1 if the ring is full.
   */
  public int add(List<byte[]> readable, List<Integer> writableLengths) throws GuestMemoryException {
    List<long[]> pieces = new ArrayList<>(); // {gpa, len, writable}
    List<long[]> writable = new ArrayList<>();
    for (byte[] r : readable) {
      long gpa = allocate(Math.max(r.length, 1));
      memory.write(gpa, r);
      pieces.add(new long[] {gpa, r.length, 0});
    }
    for (int w : writableLengths) {
      long gpa = allocate(Math.max(w, 1));
      pieces.add(new long[] {gpa, w, 1});
      writable.add(new long[] {gpa, w});
    }
    boolean useIndirect = indirect && pieces.size() > 1;
    return packed
        ? addPacked(pieces, writable, useIndirect)
        : addSplit(pieces, writable, useIndirect);
  }

  private int addSplit(List<long[]> pieces, List<long[]> writable, boolean useIndirect)
      throws GuestMemoryException {
    int needed = useIndirect ? 1 : pieces.size();
    if (freeDescriptors.size() < needed || pieces.isEmpty()) {
      return -1;
    }
    List<Integer> descs = new ArrayList<>();
    for (int i = 0; i < needed; i++) {
      descs.add(freeDescriptors.poll());
    }
    if (useIndirect) {
      long table = allocate(16L * pieces.size());
      for (int i = 0; i < pieces.size(); i++) {
        long[] p = pieces.get(i);
        int flags = (p[2] != 0 ? SplitVirtqueue.DESC_F_WRITE : 0);
        if (i + 1 < pieces.size()) {
          flags |= SplitVirtqueue.DESC_F_NEXT;
        }
        writeSplitDesc(table + 16L * i, p[0], (int) p[1], flags, i + 1);
      }
      writeSplitDesc(
          descGpa + 16L * descs.get(0),
          table,
          16 * pieces.size(),
          SplitVirtqueue.DESC_F_INDIRECT,
          0);
    } else {
      for (int i = 0; i < pieces.size(); i++) {
        long[] p = pieces.get(i);
        int flags = (p[2] != 0 ? SplitVirtqueue.DESC_F_WRITE : 0);
        int next = 0;
        if (i + 1 < pieces.size()) {
          flags |= SplitVirtqueue.DESC_F_NEXT;
          next = descs.get(i + 1);
        }
        writeSplitDesc(descGpa + 16L * descs.get(i), p[0], (int) p[1], flags, next);
      }
    }
    int head = descs.get(0);
    outstanding.put(head, new Chain(writable, needed, descs));
    publishSplit(head);
    return head;
  }

  /** Puts {@code head} in the next available ring slot and moves the index (§2.7.13.2-3). */
  public void publishSplit(int head) throws GuestMemoryException {
    memory.writeShort(driverGpa + 4 + 2L * (availIdx % size), (short) head);
    availIdx = (availIdx + 1) & 0xFFFF;
    memory.writeShort(driverGpa + 2, (short) availIdx);
  }

  /** Writes one split descriptor at {@code gpa}. */
  public void writeSplitDesc(long gpa, long addr, int len, int flags, int next)
      throws GuestMemoryException {
    byte[] d = new byte[16];
    MemorySegment s = MemorySegment.ofArray(d);
    s.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, addr);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 8, len);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 12, (short) flags);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 14, (short) next);
    memory.write(gpa, d);
  }

  /** Writes split descriptor {@code index} of the table. */
  public void writeSplitDesc(int index, long addr, int len, int flags, int next)
      throws GuestMemoryException {
    writeSplitDesc(descGpa + 16L * index, addr, len, flags, next);
  }

  /** Sets the avail idx to any value (wrap-around and malicious tests). */
  public void setAvailIdx(int idx) throws GuestMemoryException {
    availIdx = idx & 0xFFFF;
    memory.writeShort(driverGpa + 2, (short) availIdx);
  }

  private int addPacked(List<long[]> pieces, List<long[]> writable, boolean useIndirect)
      throws GuestMemoryException {
    int needed = useIndirect ? 1 : pieces.size();
    if (freeSlots < needed || pieces.isEmpty()) {
      return -1;
    }
    int id = freeIds.poll();
    int headSlot = nextAvail;
    boolean headWrap = availWrap;
    int headFlags = 0;
    if (useIndirect) {
      long table = allocate(16L * pieces.size());
      for (int i = 0; i < pieces.size(); i++) {
        long[] p = pieces.get(i);
        writePackedDesc(
            table + 16L * i, p[0], (int) p[1], 0, p[2] != 0 ? PackedVirtqueue.DESC_F_WRITE : 0);
      }
      headFlags = PackedVirtqueue.DESC_F_INDIRECT;
      writePackedDesc(descGpa + 16L * headSlot, table, 16 * pieces.size(), id, 0);
      advancePacked();
    } else {
      for (int i = 0; i < pieces.size(); i++) {
        long[] p = pieces.get(i);
        int flags = (p[2] != 0 ? PackedVirtqueue.DESC_F_WRITE : 0);
        if (i + 1 < pieces.size()) {
          flags |= PackedVirtqueue.DESC_F_NEXT;
        }
        if (i == 0) {
          headFlags = flags;
          writePackedDesc(descGpa + 16L * nextAvail, p[0], (int) p[1], id, 0);
        } else {
          writePackedDesc(
              descGpa + 16L * nextAvail, p[0], (int) p[1], id, flags | availBits(availWrap));
        }
        advancePacked();
      }
    }
    freeSlots -= needed;
    outstanding.put(id, new Chain(writable, needed, List.of()));
    // §2.8.21.1: the head's flags go last, making the whole chain available at once.
    memory.writeShort(descGpa + 16L * headSlot + 14, (short) (headFlags | availBits(headWrap)));
    return id;
  }

  private static int availBits(boolean wrap) {
    return wrap ? PackedVirtqueue.DESC_F_AVAIL : PackedVirtqueue.DESC_F_USED;
  }

  private void advancePacked() {
    if (++nextAvail == size) {
      nextAvail = 0;
      availWrap = !availWrap;
    }
  }

  /** Writes one packed descriptor at {@code gpa}. */
  public void writePackedDesc(long gpa, long addr, int len, int id, int flags)
      throws GuestMemoryException {
    byte[] d = new byte[16];
    MemorySegment s = MemorySegment.ofArray(d);
    s.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, addr);
    s.set(ValueLayout.JAVA_INT_UNALIGNED, 8, len);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 12, (short) id);
    s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 14, (short) flags);
    memory.write(gpa, d);
  }

  /** Writes packed ring slot {@code slot} as available in the current lap. */
  public void writePackedAvailable(int slot, long addr, int len, int id, int flags)
      throws GuestMemoryException {
    writePackedDesc(descGpa + 16L * slot, addr, len, id, flags | availBits(availWrap));
  }

  /** The next used buffer, or {@code null}. */
  public Used pollUsed() throws GuestMemoryException {
    if (packed) {
      long at = descGpa + 16L * nextUsed;
      int flags = Short.toUnsignedInt(memory.readShort(at + 14));
      boolean avail = (flags & PackedVirtqueue.DESC_F_AVAIL) != 0;
      boolean used = (flags & PackedVirtqueue.DESC_F_USED) != 0;
      if (avail != usedWrap || used != usedWrap) {
        return null;
      }
      int id = Short.toUnsignedInt(memory.readShort(at + 12));
      int len = memory.readInt(at + 8);
      Chain c = outstanding.remove(id);
      if (c == null) {
        throw new IllegalStateException("device used unknown buffer id " + id);
      }
      nextUsed += c.descriptors();
      if (nextUsed >= size) {
        nextUsed -= size;
        usedWrap = !usedWrap;
      }
      freeSlots += c.descriptors();
      freeIds.add(id);
      lastUsed = c;
      return new Used(id, len);
    }
    int usedIdx = Short.toUnsignedInt(memory.readShort(deviceGpa + 2));
    if (usedIdx == lastUsedIdx) {
      return null;
    }
    long elem = deviceGpa + 4 + 8L * (lastUsedIdx % size);
    int id = memory.readInt(elem);
    int len = memory.readInt(elem + 4);
    lastUsedIdx = (lastUsedIdx + 1) & 0xFFFF;
    Chain c = outstanding.remove(id);
    if (c == null) {
      throw new IllegalStateException("device used unknown head " + id);
    }
    freeDescriptors.addAll(c.splitDescs());
    lastUsed = c;
    if (eventIdx) {
      // Ask for an interrupt at the very next used buffer, as Linux does when it re-arms.
      memory.writeShort(driverGpa + 4 + 2L * size, (short) lastUsedIdx);
    }
    return new Used(id, len);
  }

  private Chain lastUsed;

  /**
   * The bytes the device wrote into the last polled buffer's writable pieces ({@code len} of them).
   */
  public byte[] lastUsedWritten(int length) throws GuestMemoryException {
    byte[] out = new byte[length];
    int done = 0;
    for (long[] w : lastUsed.writable()) {
      int n = (int) Math.min(length - done, w[1]);
      memory.read(w[0], out, done, n);
      done += n;
      if (done == length) {
        break;
      }
    }
    return out;
  }

  /**
   * Split: sets used_event; packed: sets the driver event suppression to (offset, wrap) in DESC
   * mode.
   */
  public void setUsedEvent(int value) throws GuestMemoryException {
    if (packed) {
      memory.writeInt(driverGpa, (value & 0xFFFF) | (PackedVirtqueue.EVENT_FLAGS_DESC << 16));
    } else {
      memory.writeShort(driverGpa + 4 + 2L * size, (short) value);
    }
  }

  /** Turns interrupts off or on (split: VRING_AVAIL_F_NO_INTERRUPT; packed: DISABLE/ENABLE). */
  public void setInterruptsWanted(boolean wanted) throws GuestMemoryException {
    if (packed) {
      memory.writeInt(
          driverGpa,
          (wanted ? PackedVirtqueue.EVENT_FLAGS_ENABLE : PackedVirtqueue.EVENT_FLAGS_DISABLE)
              << 16);
    } else {
      memory.writeShort(driverGpa, (short) (wanted ? 0 : SplitVirtqueue.AVAIL_F_NO_INTERRUPT));
    }
  }

  /**
   * Whether the driver must notify the device for what it made available since the last call
   * (§2.7.13.4 / §2.8.21.3: avail_event or the device's flags).
   */
  public boolean needsNotify() throws GuestMemoryException {
    int old = lastNotifiedAvail;
    if (packed) {
      int flags = Short.toUnsignedInt(memory.readShort(deviceGpa + 2)) & 3;
      return flags != PackedVirtqueue.EVENT_FLAGS_DISABLE;
    }
    lastNotifiedAvail = availIdx;
    if (eventIdx) {
      int availEvent = Short.toUnsignedInt(memory.readShort(deviceGpa + 4 + 8L * size));
      return SplitVirtqueue.needEvent(availEvent, availIdx, old);
    }
    return (memory.readShort(deviceGpa) & SplitVirtqueue.USED_F_NO_NOTIFY) == 0;
  }

  /** All writable bytes of the last polled buffer, whatever the used length says. */
  public byte[] lastUsedWritable() throws GuestMemoryException {
    int total = 0;
    for (long[] w : lastUsed.writable()) {
      total += (int) w[1];
    }
    return lastUsedWritten(total);
  }

  /** Buffers made available and not yet used. */
  public int outstanding() {
    return outstanding.size();
  }
}
