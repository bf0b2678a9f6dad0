package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A packed virtqueue (virtio v1.2 §2.8): one descriptor ring the driver and device share, with wrap
 * counters in the AVAIL/USED flag bits, plus a driver and a device event-suppression structure.
 * Each descriptor is copied once; availability is decided on the copy.
 */
public final class PackedVirtqueue implements Virtqueue {
  static final int DESC_F_NEXT = 1;
  static final int DESC_F_WRITE = 2;
  static final int DESC_F_INDIRECT = 4;
  static final int DESC_F_AVAIL = 1 << 7;
  static final int DESC_F_USED = 1 << 15;
  static final int EVENT_FLAGS_ENABLE = 0;
  static final int EVENT_FLAGS_DISABLE = 1;
  static final int EVENT_FLAGS_DESC = 2;
  private static final int DESC_BYTES = 16;

  private final GuestMemory memory;
  // One reader for the queue's life: no allocation per descriptor on the request path.
  private final ChainBuilder.IndirectTableReader indirectTables = this::readIndirect;
  private final int size;
  private final long ringGpa;
  private final long driverEventGpa;
  private final long deviceEventGpa;
  private final boolean indirect;
  private final boolean eventIdx;

  private int nextAvail;
  private boolean availWrap = true; // §2.8.1: both wrap counters start at 1
  private int nextUsed;
  private boolean usedWrap = true;
  private int signalledUsed; // nextUsed when needsInterrupt last answered
  private boolean usedSinceSignal;
  private boolean broken;

  PackedVirtqueue(GuestMemory memory, QueueLayout layout, boolean indirect, boolean eventIdx)
      throws VirtqueueException {
    int n = layout.size();
    if (n <= 0 || n > QueueLayout.MAX_SIZE) {
      throw new VirtqueueException("packed queue size " + n + " is not 1..32768");
    }
    // §2.8.10.1: ring alignment 16, event suppression structures 4 bytes aligned to 4.
    SplitVirtqueue.requireArea(memory, "descriptor ring", layout.descGpa(), 16, 16L * n);
    SplitVirtqueue.requireArea(memory, "driver event suppression", layout.driverGpa(), 4, 4);
    SplitVirtqueue.requireArea(memory, "device event suppression", layout.deviceGpa(), 4, 4);
    this.memory = memory;
    this.size = n;
    this.ringGpa = layout.descGpa();
    this.driverEventGpa = layout.driverGpa();
    this.deviceEventGpa = layout.deviceGpa();
    this.indirect = indirect;
    this.eventIdx = eventIdx;
  }

  /** Carries on from {@code base} (QEMU's encoding: avail index and wrap, used index and wrap). */
  synchronized void resumeAt(int base) throws VirtqueueException {
    int avail = base & 0x7FFF;
    int used = (base >>> 16) & 0x7FFF;
    if (avail >= size || used >= size) {
      throw fail(new VirtqueueException("ring position " + base + " outside a ring of " + size));
    }
    nextAvail = avail;
    availWrap = (base & 0x8000) != 0;
    nextUsed = used;
    usedWrap = (base & 0x8000_0000) != 0;
    signalledUsed = used;
  }

  @Override
  public synchronized int availIndex() {
    return nextAvail | (availWrap ? 0x8000 : 0) | nextUsed << 16 | (usedWrap ? 0x8000_0000 : 0);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public synchronized boolean isBroken() {
    return broken;
  }

  private boolean isAvailable(int flags) {
    boolean avail = (flags & DESC_F_AVAIL) != 0;
    boolean used = (flags & DESC_F_USED) != 0;
    return avail == availWrap && used != availWrap;
  }

  private int readFlags(int slot) throws GuestMemoryException {
    return Short.toUnsignedInt(memory.readShort(ringGpa + (long) DESC_BYTES * slot + 14));
  }

  @Override
  public synchronized boolean hasAvailable() {
    if (broken) {
      return false;
    }
    try {
      return isAvailable(readFlags(nextAvail));
    } catch (GuestMemoryException e) {
      return false;
    }
  }

  @Override
  public synchronized DescriptorChain pop() throws VirtqueueException {
    requireIntact();
    try {
      // The flags gate the rest of the descriptor (§2.8.13): read them, fence, then copy.
      if (!isAvailable(readFlags(nextAvail))) {
        return null;
      }
      VarHandle.acquireFence();
      ChainBuilder builder = new ChainBuilder(memory, size + MAX_INDIRECT_DESCRIPTORS);
      byte[] desc = new byte[DESC_BYTES];
      MemorySegment d = MemorySegment.ofArray(desc);
      int slot = nextAvail;
      int id;
      int slots = 0;
      while (true) {
        if (++slots > size) {
          throw new VirtqueueException("packed chain longer than the ring (" + size + ")");
        }
        memory.read(ringGpa + (long) DESC_BYTES * slot, d);
        long addr = d.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        int len = d.get(ValueLayout.JAVA_INT_UNALIGNED, 8);
        id = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, 12));
        int flags = Short.toUnsignedInt(d.get(ValueLayout.JAVA_SHORT_UNALIGNED, 14));
        if (slots == 1 && !isAvailable(flags)) {
          // The driver changed the head between our two reads; take it as not yet available.
          return null;
        }
        slot = slot + 1 == size ? 0 : slot + 1;
        if (!builder.addFromRing(addr, len, flags, indirect, indirectTables)) {
          break; // §2.8.6: the buffer ID is the last descriptor's
        }
      }
      nextAvail += slots;
      if (nextAvail >= size) {
        nextAvail -= size;
        availWrap = !availWrap;
      }
      return builder.build(id, slots);
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("ring access failed: " + e.getMessage(), e));
    } catch (VirtqueueException e) {
      throw fail(e);
    }
  }

  /** §2.8.7: an indirect table is consecutive descriptors, copied whole; NEXT is unused there. */
  private void readIndirect(long tableGpa, int lenBits, ChainBuilder builder)
      throws GuestMemoryException, VirtqueueException {
    long[] t = builder.copyIndirectTable(tableGpa, lenBits);
    for (int i = 0; i < t.length; i += 2) {
      long rest = t[i + 1]; // len | id << 32 | flags << 48 in a packed descriptor
      int flags = (int) (rest >>> 48);
      if ((flags & DESC_F_INDIRECT) != 0) {
        throw new VirtqueueException("indirect descriptor inside an indirect table");
      }
      builder.add(t[i], (int) rest, (flags & DESC_F_WRITE) != 0);
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
      long at = ringGpa + (long) DESC_BYTES * nextUsed;
      byte[] lenAndId = new byte[6];
      MemorySegment e = MemorySegment.ofArray(lenAndId);
      e.set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) writtenBytes);
      e.set(ValueLayout.JAVA_SHORT_UNALIGNED, 4, (short) chain.id());
      memory.write(at + 8, e);
      // §2.8.9: length and ID are visible before the flags that hand the descriptor back.
      VarHandle.releaseFence();
      int flags = usedWrap ? DESC_F_AVAIL | DESC_F_USED : 0;
      if (writtenBytes > 0) {
        flags |= DESC_F_WRITE;
      }
      memory.writeShort(at + 14, (short) flags);
      nextUsed += chain.ringSlots();
      if (nextUsed >= size) {
        nextUsed -= size;
        usedWrap = !usedWrap;
      }
      usedSinceSignal = true;
    } catch (GuestMemoryException ex) {
      throw fail(new VirtqueueException("descriptor ring write failed: " + ex.getMessage(), ex));
    }
  }

  @Override
  public synchronized boolean needsInterrupt() throws VirtqueueException {
    requireIntact();
    try {
      VarHandle.fullFence();
      int old = signalledUsed;
      boolean any = usedSinceSignal;
      signalledUsed = nextUsed;
      usedSinceSignal = false;
      if (!any) {
        return false;
      }
      int event = memory.readInt(driverEventGpa);
      int offWrap = event & 0xFFFF;
      int flags = (event >>> 16) & 0x3;
      return switch (flags) {
        case EVENT_FLAGS_DISABLE -> false;
        case EVENT_FLAGS_DESC -> !eventIdx || descEventPassed(offWrap, old);
        default -> true;
      };
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("event suppression read failed: " + e.getMessage(), e));
    }
  }

  /**
   * §2.8.10: whether the used index passed the driver's (offset, wrap) since {@code old}. An event
   * offset in the other wrap lap counts a ring's length earlier.
   */
  private boolean descEventPassed(int offWrap, int old) {
    int off = offWrap & 0x7FFF;
    boolean wrap = (offWrap >>> 15) != 0;
    if (wrap != usedWrap) {
      off -= size;
    }
    int newIdx = nextUsed;
    if (newIdx < old) {
      old -= size; // we wrapped since the last signal
    }
    return SplitVirtqueue.needEvent(off & 0xFFFF, newIdx & 0xFFFF, old & 0xFFFF);
  }

  @Override
  public synchronized void disableNotifications() throws VirtqueueException {
    requireIntact();
    writeDeviceEvent(EVENT_FLAGS_DISABLE);
  }

  @Override
  public synchronized boolean enableNotifications() throws VirtqueueException {
    requireIntact();
    writeDeviceEvent(EVENT_FLAGS_ENABLE);
    VarHandle.fullFence();
    try {
      return isAvailable(readFlags(nextAvail));
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("ring access failed: " + e.getMessage(), e));
    }
  }

  private void writeDeviceEvent(int flags) throws VirtqueueException {
    try {
      memory.writeShort(deviceEventGpa + 2, (short) flags);
    } catch (GuestMemoryException e) {
      throw fail(new VirtqueueException("event suppression write failed: " + e.getMessage(), e));
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
