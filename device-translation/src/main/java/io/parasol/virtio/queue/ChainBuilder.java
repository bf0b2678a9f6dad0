package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/** Collects and checks one chain's descriptors, whatever ring format they came from. */
final class ChainBuilder {
  /** virtio v1.2 §2.7.5 / §2.8.6: a chain is at most 2^32 bytes in total. */
  static final long MAX_CHAIN_BYTES = 1L << 32;

  /** A descriptor in an indirect table, split or packed. */
  static final int INDIRECT_DESCRIPTOR_BYTES = 16;

  private final GuestMemory memory;
  // Arrays rather than lists: a chain of a few hundred descriptors (a 1 MiB request in 4 KiB
  // pages) is built on every request, and build() hands them over without a copy.
  private final Collector readable = new Collector();
  private final Collector writable = new Collector();
  private long readableBytes;
  private long writableBytes;
  private int descriptors;
  private final int maxDescriptors;

  ChainBuilder(GuestMemory memory, int maxDescriptors) {
    this.memory = memory;
    this.maxDescriptors = maxDescriptors;
  }

  /**
   * A private copy, as two words per descriptor, of the indirect table at {@code tableGpa} of
   * {@code lengthBits} bytes (the raw 32-bit descriptor length), checked before it is read: a whole
   * number of 16-byte descriptors, at most {@link Virtqueue#MAX_INDIRECT_DESCRIPTORS}, all in RAM
   * (§2.7.5.3, §2.8.7).
   */
  long[] copyIndirectTable(long tableGpa, int lengthBits)
      throws GuestMemoryException, VirtqueueException {
    long len = Integer.toUnsignedLong(lengthBits);
    if (len == 0 || len % INDIRECT_DESCRIPTOR_BYTES != 0) {
      throw new VirtqueueException("indirect table length " + len + " is not a multiple of 16");
    }
    long count = len / INDIRECT_DESCRIPTOR_BYTES;
    if (count > Virtqueue.MAX_INDIRECT_DESCRIPTORS) {
      throw new VirtqueueException("indirect table of " + count + " descriptors is too long");
    }
    if (!memory.isRam(tableGpa, len)) {
      throw new VirtqueueException(
          "indirect table 0x" + Long.toHexString(tableGpa) + " is not RAM");
    }
    // Two words per descriptor, as values: addr, then len | flags << 32 | next << 48. One bulk
    // copy and plain array reads (a VarHandle access per field cost more where only C1 runs).
    long[] words = new long[(int) (len / Long.BYTES)];
    memory.read(tableGpa, MemorySegment.ofArray(words));
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      for (int i = 0; i < words.length; i++) {
        words[i] = Long.reverseBytes(words[i]);
      }
    }
    return words;
  }

  /** Reads an indirect table into a chain, in its ring format's layout. */
  @FunctionalInterface
  interface IndirectTableReader {
    void read(long tableGpa, int lengthBits, ChainBuilder builder)
        throws GuestMemoryException, VirtqueueException;
  }

  /**
   * Takes one descriptor from the ring (split and packed share the NEXT, WRITE and INDIRECT flag
   * bits): an indirect one, allowed only when VIRTIO_F_INDIRECT_DESC was negotiated and never with
   * NEXT, hands its table to {@code indirectTables} and ends the chain; any other adds its buffer.
   *
   * @return true when the chain goes on (NEXT is set)
   */
  boolean addFromRing(
      long gpa,
      int lengthBits,
      int flags,
      boolean indirectNegotiated,
      IndirectTableReader indirectTables)
      throws GuestMemoryException, VirtqueueException {
    if ((flags & SplitVirtqueue.DESC_F_INDIRECT) != 0) {
      if (!indirectNegotiated) {
        throw new VirtqueueException("indirect descriptor without VIRTIO_F_INDIRECT_DESC");
      }
      if ((flags & SplitVirtqueue.DESC_F_NEXT) != 0) {
        throw new VirtqueueException("descriptor has both INDIRECT and NEXT");
      }
      indirectTables.read(gpa, lengthBits, this);
      return false;
    }
    add(gpa, lengthBits, (flags & SplitVirtqueue.DESC_F_WRITE) != 0);
    return (flags & SplitVirtqueue.DESC_F_NEXT) != 0;
  }

  /** Adds one descriptor's buffer; {@code lengthBits} is the raw 32-bit length. */
  void add(long gpa, int lengthBits, boolean deviceWritable) throws VirtqueueException {
    if (++descriptors > maxDescriptors) {
      throw new VirtqueueException(
          "descriptor chain longer than " + maxDescriptors + " descriptors (a loop?)");
    }
    long length = Integer.toUnsignedLong(lengthBits);
    if (!deviceWritable && writable.size > 0) {
      // §2.7.4.2 / §2.8.4.1: the driver puts device-writable descriptors after readable ones.
      throw new VirtqueueException("a device-readable descriptor follows a device-writable one");
    }
    if (length == 0) {
      return; // carries nothing; tolerated as QEMU and crosvm do
    }
    if (readableBytes + writableBytes + length > MAX_CHAIN_BYTES) {
      throw new VirtqueueException("descriptor chain longer than 2^32 bytes");
    }
    if (!memory.isRam(gpa, length)) {
      throw new VirtqueueException(
          "descriptor buffer 0x"
              + Long.toHexString(gpa)
              + "+0x"
              + Long.toHexString(length)
              + " is not guest RAM");
    }
    // A length of 2^31 or more is not an int: split it (§2.7.5 allows up to 2^32 - 1).
    long remaining = length;
    long at = gpa;
    while (remaining > 0) {
      int piece = (int) Math.min(remaining, 1 << 30);
      (deviceWritable ? writable : readable).add(new Buffer(at, piece));
      at += piece;
      remaining -= piece;
    }
    if (deviceWritable) {
      writableBytes += length;
    } else {
      readableBytes += length;
    }
  }

  /** Descriptors added so far. */
  int descriptors() {
    return descriptors;
  }

  /** The chain; the builder is done with (its arrays now belong to the chain's lists). */
  DescriptorChain build(int id, int ringSlots) {
    return new DescriptorChain(
        id,
        ringSlots,
        new Frozen(readable.items, readable.size),
        new Frozen(writable.items, writable.size),
        readableBytes,
        writableBytes);
  }

  /** A growing array of buffers. */
  private static final class Collector {
    private Buffer[] items = new Buffer[4];
    private int size;

    void add(Buffer b) {
      if (size == items.length) {
        Buffer[] bigger = new Buffer[size * 2]; // (not Arrays.copyOf: reflective under C1)
        System.arraycopy(items, 0, bigger, 0, size);
        items = bigger;
      }
      items[size++] = b;
    }
  }

  /**
   * An unmodifiable list over an array only it holds, which {@link DescriptorChain} takes without
   * the copy it makes of any other list.
   */
  static final class Frozen extends AbstractList<Buffer> implements RandomAccess {
    private final Buffer[] items;
    private final int size;

    private Frozen(Buffer[] items, int size) {
      this.items = items;
      this.size = size;
    }

    @Override
    public Buffer get(int index) {
      return items[Objects.checkIndex(index, size)];
    }

    @Override
    public int size() {
      return size;
    }
  }
}
