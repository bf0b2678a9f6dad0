package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;

/**
 * One virtqueue, device side. A device {@link #pop pops} checked chains, moves their data, and
 * {@link #pushUsed pushes} them back, then asks {@link #needsInterrupt} whether to signal the
 * driver. Calls may come from several threads (a worker pops, a backend's completion pushes); each
 * method is atomic with respect to the others.
 *
 * <p>Any contract violation by the driver throws {@link VirtqueueException} and breaks the queue
 * for good (every later call throws too): the device then sets {@code DEVICE_NEEDS_RESET} and waits
 * for the driver to reset it. Nothing else escapes.
 */
public sealed interface Virtqueue permits SplitVirtqueue, PackedVirtqueue {
  /**
   * Most descriptors one indirect table may hold. The spec sets no bound; QEMU uses 1024 for the
   * same reason: a bounded private copy.
   */
  int MAX_INDIRECT_DESCRIPTORS = 1024;

  /**
   * A queue over the driver's {@code layout} with the ring format, indirect and event-index
   * features {@code negotiatedFeatures} names.
   *
   * @throws VirtqueueException if the layout is misaligned, the wrong size, or not guest RAM
   */
  static Virtqueue create(GuestMemory memory, QueueLayout layout, long negotiatedFeatures)
      throws VirtqueueException {
    boolean indirect = VirtioFeature.has(negotiatedFeatures, VirtioFeature.RING_INDIRECT_DESC);
    boolean eventIdx = VirtioFeature.has(negotiatedFeatures, VirtioFeature.EVENT_IDX);
    if (VirtioFeature.has(negotiatedFeatures, VirtioFeature.RING_PACKED)) {
      return new PackedVirtqueue(memory, layout, indirect, eventIdx);
    }
    return new SplitVirtqueue(memory, layout, indirect, eventIdx);
  }

  /**
   * A queue that carries on from a saved position, as a vhost-user back end does after
   * VHOST_USER_SET_VRING_BASE: {@code base} is the next available index (packed: bits 0-14 the
   * index, bit 15 its wrap counter, bits 16-30 and 31 the same for the used side; split: the used
   * index is read from the ring, which the device owns).
   */
  static Virtqueue resume(GuestMemory memory, QueueLayout layout, long negotiatedFeatures, int base)
      throws VirtqueueException {
    Virtqueue q = create(memory, layout, negotiatedFeatures);
    switch (q) {
      case SplitVirtqueue s -> s.resumeAt(base & 0xFFFF);
      case PackedVirtqueue p -> p.resumeAt(base);
    }
    return q;
  }

  /** Where the device is in the ring, in the encoding {@link #resume} takes. */
  int availIndex();

  /** The number of descriptors. */
  int size();

  /**
   * Whether the driver has made a chain available that {@link #pop} has not taken: one read of the
   * ring, nothing checked or copied (for a device that polls the ring instead of sleeping). False
   * on a broken queue or unreadable ring; {@link #pop} then says why.
   */
  boolean hasAvailable();

  /** The next available chain, checked and copied, or {@code null} if none is available. */
  DescriptorChain pop() throws VirtqueueException;

  /** Returns {@code chain} to the driver with {@code writtenBytes} written into it. */
  void pushUsed(DescriptorChain chain, long writtenBytes) throws VirtqueueException;

  /**
   * Whether the driver wants an interrupt for the buffers pushed since the last call (its flags or
   * its used_event index, §2.7.10 / §2.8.10). Call after a batch of pushes.
   */
  boolean needsInterrupt() throws VirtqueueException;

  /** Asks the driver not to notify (the device is polling anyway). A hint; the driver may. */
  void disableNotifications() throws VirtqueueException;

  /**
   * Asks the driver to notify for new buffers. Returns whether buffers became available while
   * notifications were off, in which case the device must pop again before it sleeps.
   */
  boolean enableNotifications() throws VirtqueueException;

  /** Whether a contract violation has broken this queue. */
  boolean isBroken();
}
