package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A split virtqueue (virtio v1.2 §2.7): descriptor table, available ring, used ring. Each
 * descriptor, ring entry and index is read from guest memory exactly once into a private copy; an
 * indirect table is copied whole before any of it is parsed.
 */
public final class SplitVirtqueue implements Virtqueue {
  static final int DESC_F_NEXT = 1;
  static final int DESC_F_WRITE = 2;
  static final int DESC_F_INDIRECT = 4;
  static final int AVAIL_F_NO_INTERRUPT = 1;
  static final int USED_F_NO_NOTIFY = 1;
  private static final int DESC_BYTES = 16;

  private final GuestMemory memory;
  // One reader for the queue's life: no allocation per descriptor on the request path.
  private final ChainBuilder.IndirectTableReader indirectTables = this::readIndirect;
  private final int size;
  private final long descGpa;
  private final long availGpa;
  private final long usedGpa;
  private final boolean indirect;
  private final boolean eventIdx;

  private int lastAvailIdx; // next avail ring entry to consume (free-running u16)
  private int cachedAvailIdx; // the driver's avail idx as last read
  private int usedIdx; // next used ring entry (free-running u16)
  private int signalledUsedIdx; // usedIdx when needsInterrupt last answered
  private boolean notificationsEnabled = true;
  private boolean broken;

  SplitVirtqueue(GuestMemory memory, QueueLayout layout, boolean indirect, boolean eventIdx)
      throws VirtqueueException {
    int n = layout.size();
    if (n <= 0 || n > QueueLayout.MAX_SIZE || Integer.bitCount(n) != 1) {
      throw new VirtqueueException("split queue size " + n + " is not a power of 2 up to 32768");
    }
    // §2.7: alignment 16 / 2 / 4 and sizes 16n / 6+2n / 6+8n.
    requireArea(memory, "descriptor table", layout.descGpa(), 16, (long) DESC_BYTES * n);
    requireArea(memory, "available ring", layout.driverGpa(), 2, 6 + 2L * n);
    requireArea(memory, "used ring", layout.deviceGpa(), 4, 6 + 8L * n);
    this.memory = memory;
    this.size = n;
    this.descGpa = layout.descGpa();
    this.availGpa = layout.driverGpa();
    this.usedGpa = layout.deviceGpa();
    this.indirect = indirect;
    this.eventIdx = eventIdx;
  }

  static void requireArea(GuestMemory memory, String name, long gpa, int align, long bytes)
      throws VirtqueueException {
    if ((gpa & (align - 1)) != 0) {
      throw new VirtqueueException(
          name + " at 0x" + Long.toHexString(gpa) + " is not " + align + "-byte aligned");
    }
    if (!memory.isRam(gpa, bytes)) {
      throw new VirtqueueException(
          name
              + " 0x"
              + Long.toHexString(gpa)
              + "+0x"
              + Long.toHexString(bytes)
              + " is not guest RAM");
    }
  }

  /** Carries on from available index {@code base}; the used index is the ring's own. */
  synchronized void resumeAt(int base) throws VirtqueueException {
    try {
      lastAvailIdx = base;
      cachedAvailIdx = base;
      usedIdx = Short.toUnsignedInt(memory.readShort(usedGpa + 2));
      signalledUsedIdx = usedIdx;
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("used ring read failed: " + e.getMessage(), e));
    }
  }

  @Override
  public synchronized int availIndex() {
    return lastAvailIdx;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public synchronized boolean isBroken() {
    return broken;
  }

  @Override
  public synchronized boolean hasAvailable() {
    if (broken) {
      return false;
    }
    try {
      return Short.toUnsignedInt(memory.readShort(availGpa + 2)) != lastAvailIdx;
    } catch (GuestMemoryException e) {
      return false;
    }
  }

  @Override
  public synchronized DescriptorChain pop() throws VirtqueueException {
    requireIntact();
    try {
      if (lastAvailIdx == cachedAvailIdx) {
        cachedAvailIdx = readAvailIdx();
        if (lastAvailIdx == cachedAvailIdx) {
          return null;
        }
      }
      int slot = lastAvailIdx & (size - 1);
      int head = Short.toUnsignedInt(memory.readShort(availGpa + 4 + 2L * slot));
      DescriptorChain chain = readChain(head);
      lastAvailIdx = (lastAvailIdx + 1) & 0xFFFF;
      if (eventIdx && notificationsEnabled) {
        // §2.7.10: ask for a notification once the driver moves past what we have consumed.
        memory.writeShort(usedGpa + 4 + 8L * size, (short) lastAvailIdx);
      }
      return chain;
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("ring access failed: " + e.getMessage(), e));
    } catch (VirtqueueException e) {
      throw fail(e);
    }
  }

  /** Reads the driver's avail idx and checks it moved by at most a queue's worth. */
  private int readAvailIdx() throws GuestMemoryException, VirtqueueException {
    int idx = Short.toUnsignedInt(memory.readShort(availGpa + 2));
    // The ring entries the idx covers must be read after the idx (§2.7.13.3 driver barrier).
    VarHandle.acquireFence();
    int pending = (idx - lastAvailIdx) & 0xFFFF;
    if (pending > size) {
      throw new VirtqueueException(
          "available index moved by " + pending + " on a queue of " + size);
    }
    return idx;
  }

  private DescriptorChain readChain(int head) throws GuestMemoryException, VirtqueueException {
    if (head >= size) {
      throw new VirtqueueException("available ring names descriptor " + head + " of " + size);
    }
    ChainBuilder builder = new ChainBuilder(memory, size + MAX_INDIRECT_DESCRIPTORS);
    int index = head;
    // §2.7.5.2: a chain is at most the queue size long; a longer walk is a loop.
    for (int walked = 1; ; walked++) {
      if (walked > size) {
        throw new VirtqueueException("descriptor chain from " + head + " loops or exceeds " + size);
      }
      long at = descGpa + (long) DESC_BYTES * index;
      long addr = memory.readLong(at);
      long rest = memory.readLong(at + 8); // len | flags << 32 | next << 48
      int len = (int) rest;
      int flags = (int) (rest >>> 32) & 0xFFFF;
      int next = (int) (rest >>> 48);
      if (!builder.addFromRing(addr, len, flags, indirect, indirectTables)) {
        break;
      }
      if (next >= size) {
        throw new VirtqueueException("descriptor " + index + " chains to " + next + " of " + size);
      }
      index = next;
    }
    return builder.build(head, 1);
  }

  /** §2.7.5.3: copies the whole table once, then walks the copy. */
  private void readIndirect(long tableGpa, int lenBits, ChainBuilder builder)
      throws GuestMemoryException, VirtqueueException {
    long[] t = builder.copyIndirectTable(tableGpa, lenBits);
    long count = t.length / 2;
    int index = 0;
    for (int walked = 1; ; walked++) {
      if (walked > count) {
        throw new VirtqueueException("indirect chain loops or exceeds " + count);
      }
      long addr = t[2 * index];
      long rest = t[2 * index + 1];
      int dlen = (int) rest;
      int flags = (int) (rest >>> 32) & 0xFFFF;
      int next = (int) (rest >>> 48);
      if ((flags & DESC_F_INDIRECT) != 0) {
        throw new VirtqueueException("indirect descriptor inside an indirect table");
      }
      builder.add(addr, dlen, (flags & DESC_F_WRITE) != 0);
      if ((flags & DESC_F_NEXT) == 0) {
        return;
      }
      if (next >= count) {
        throw new VirtqueueException("indirect descriptor chains to " + next + " of " + count);
      }
      index = next;
    }
  }

  @Override
  public synchronized void pushUsed(DescriptorChain chain, long writtenBytes)
      throws VirtqueueException {
    requireIntact();
    if (writtenBytes < 0 || writtenBytes > chain.writableBytes()) {
      throw new IllegalArgumentException(
          "wrote " + writtenBytes + " of " + chain.writableBytes() + " writable bytes");
    }
    try {
      byte[] elem = new byte[8];
      MemorySegment e = MemorySegment.ofArray(elem);
      e.set(ValueLayout.JAVA_INT_UNALIGNED, 0, chain.id());
      e.set(ValueLayout.JAVA_INT_UNALIGNED, 4, (int) writtenBytes);
      memory.write(usedGpa + 4 + 8L * (usedIdx & (size - 1)), e);
      // §2.7.8: the element is visible before the index that publishes it.
      VarHandle.releaseFence();
      usedIdx = (usedIdx + 1) & 0xFFFF;
      memory.writeShort(usedGpa + 2, (short) usedIdx);
    } catch (GuestMemoryException ex) {
      throw fail(new VirtqueueException("used ring write failed: " + ex.getMessage(), ex));
    }
  }

  @Override
  public synchronized boolean needsInterrupt() throws VirtqueueException {
    requireIntact();
    try {
      // The used idx we wrote must be visible before we read the driver's wish (§2.7.10).
      VarHandle.fullFence();
      int old = signalledUsedIdx;
      signalledUsedIdx = usedIdx;
      if (old == usedIdx) {
        return false;
      }
      if (eventIdx) {
        int usedEvent = Short.toUnsignedInt(memory.readShort(availGpa + 4 + 2L * size));
        return needEvent(usedEvent, usedIdx, old);
      }
      return (memory.readShort(availGpa) & AVAIL_F_NO_INTERRUPT) == 0;
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("ring access failed: " + e.getMessage(), e));
    }
  }

  /** §2.7.10: whether {@code event} lies in {@code (old, newIdx]}, in u16 arithmetic. */
  static boolean needEvent(int event, int newIdx, int old) {
    return ((newIdx - event - 1) & 0xFFFF) < ((newIdx - old) & 0xFFFF);
  }

  @Override
  public synchronized void disableNotifications() throws VirtqueueException {
    requireIntact();
    notificationsEnabled = false;
    if (!eventIdx) {
      try {
        memory.writeShort(usedGpa, (short) USED_F_NO_NOTIFY);
      } catch (GuestMemoryException e) {
        throw fail(new VirtqueueException("used ring write failed: " + e.getMessage(), e));
      }
    }
  }

  @Override
  public synchronized boolean enableNotifications() throws VirtqueueException {
    requireIntact();
    notificationsEnabled = true;
    try {
      if (eventIdx) {
        memory.writeShort(usedGpa + 4 + 8L * size, (short) lastAvailIdx);
      } else {
        memory.writeShort(usedGpa, (short) 0);
      }
      // The driver may have added buffers before it saw the flag: look again after a full fence.
      VarHandle.fullFence();
      cachedAvailIdx = readAvailIdx();
      return cachedAvailIdx != lastAvailIdx;
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("ring access failed: " + e.getMessage(), e));
    } catch (VirtqueueException e) {
      throw fail(e);
    }
  }

  private void requireIntact() throws VirtqueueException {
    if (broken) {
      throw new VirtqueueException("queue is broken until the device is reset");
    }
  }

  private VirtqueueException fail(VirtqueueException e) {
    broken = true;
    return e;
  }
}
