package io.parasol.virtio.queue;

import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.machine.memory.SegmentGuestMemory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Runs one fuzz input against a device-side virtqueue. The input's first byte picks the ring
 * format, features and size; the rest is a program of operations: a well-behaved driver adding
 * buffers, raw writes anywhere in guest memory (rings, indirect tables, indices), and every device
 * operation. An input fails if anything but {@link VirtqueueException} escapes the queue, if a
 * chain the queue returns is not wholly guest RAM or has inconsistent totals, or if a queue that
 * threw does not stay broken.
 */
final class VirtqueueFuzzDriver {
  static final int MEMORY_BYTES = 64 * 1024;
  static final int RING_BASE = 0x1000;
  static final int HEAP_START = 0x4000;

  /** Operation codes, one byte each (taken modulo the count). */
  static final int OP_ADD = 0;

  static final int OP_RAW_WRITE = 1;
  static final int OP_POP = 2;
  static final int OP_PUSH = 3;
  static final int OP_INTERRUPT = 4;
  static final int OP_ENABLE = 5;
  static final int OP_DISABLE = 6;
  static final int OP_COUNT = 7;

  private VirtqueueFuzzDriver() {}

  /** What one run did, for tests that check the driver itself. */
  record Outcome(int chainsPopped, int chainsPushed, boolean broke) {}

  static Outcome run(byte[] input) {
    if (input.length == 0) {
      return new Outcome(0, 0, false);
    }
    int mode = input[0] & 0xFF;
    boolean packed = (mode & 1) != 0;
    boolean indirect = (mode & 2) != 0;
    boolean eventIdx = (mode & 4) != 0;
    int size = 1 << (1 + ((mode >>> 3) & 3)); // 2, 4, 8, 16
    SegmentGuestMemory memory = SegmentGuestMemory.ofHeap(MEMORY_BYTES);
    MockDriver driver =
        new MockDriver(
            memory, packed, size, indirect, eventIdx, RING_BASE, HEAP_START, MEMORY_BYTES);
    Virtqueue queue;
    try {
      queue = Virtqueue.create(memory, driver.layout(), driver.features());
    } catch (VirtqueueException e) {
      throw new AssertionError("the mock driver's layout is valid", e);
    }
    Deque<DescriptorChain> popped = new ArrayDeque<>();
    int pops = 0;
    int pushes = 0;
    boolean broke = false;
    int at = 1;
    while (at < input.length) {
      int op = (input[at++] & 0xFF) % OP_COUNT;
      try {
        switch (op) {
          case OP_ADD -> {
            int pieces = at < input.length ? 1 + (input[at++] & 3) : 1;
            int writable = at < input.length ? input[at++] & 3 : 0;
            List<byte[]> readable = new java.util.ArrayList<>();
            for (int i = 0; i < pieces; i++) {
              readable.add(new byte[1 + i]);
            }
            List<Integer> w = new java.util.ArrayList<>();
            for (int i = 0; i < writable; i++) {
              w.add(4 + i);
            }
            driver.resetHeap(HEAP_START);
            driver.add(readable, w);
          }
          case OP_RAW_WRITE -> {
            if (at + 3 > input.length) {
              at = input.length;
              break;
            }
            int offset = ((input[at] & 0xFF) | (input[at + 1] & 0xFF) << 8) % MEMORY_BYTES;
            int len = Math.min(1 + (input[at + 2] & 15), input.length - at - 3);
            len = Math.min(len, MEMORY_BYTES - offset);
            memory.write(offset, input, at + 3, Math.max(len, 0));
            at += 3 + Math.max(len, 0);
          }
          case OP_POP -> {
            DescriptorChain c = queue.pop();
            if (c != null) {
              check(memory, queue, c, packed);
              popped.add(c);
              pops++;
            }
          }
          case OP_PUSH -> {
            DescriptorChain c = popped.poll();
            if (c != null) {
              queue.pushUsed(c, c.writableBytes());
              pushes++;
              reclaim(driver);
            }
          }
          case OP_INTERRUPT -> queue.needsInterrupt();
          case OP_ENABLE -> queue.enableNotifications();
          case OP_DISABLE -> queue.disableNotifications();
          default -> throw new IllegalStateException("op " + op);
        }
      } catch (VirtqueueException e) {
        broke = true;
        if (!queue.isBroken()) {
          throw new AssertionError("a queue that threw is not broken", e);
        }
      } catch (GuestMemoryException e) {
        throw new AssertionError("the fuzz driver's own write failed", e);
      }
    }
    return new Outcome(pops, pushes, broke);
  }

  /**
   * The mock driver takes its buffers back; raw writes may have confused it, which is its problem.
   */
  private static void reclaim(MockDriver driver) throws GuestMemoryException {
    try {
      while (driver.pollUsed() != null) {
        // drained
      }
    } catch (IllegalStateException confusedDriver) {
      // The ring no longer matches what the mock driver wrote: only the device side is under test.
    }
  }

  private static void check(
      SegmentGuestMemory memory, Virtqueue queue, DescriptorChain c, boolean packed) {
    long readable = 0;
    for (Buffer b : c.readable()) {
      requireRam(memory, b);
      readable += b.length();
    }
    long writable = 0;
    for (Buffer b : c.writable()) {
      requireRam(memory, b);
      writable += b.length();
    }
    if (readable != c.readableBytes() || writable != c.writableBytes()) {
      throw new AssertionError("chain totals disagree with its buffers: " + c);
    }
    if (readable + writable > ChainBuilder.MAX_CHAIN_BYTES) {
      throw new AssertionError("chain over 2^32 bytes");
    }
    if (c.ringSlots() < 1 || c.ringSlots() > queue.size()) {
      throw new AssertionError("chain took " + c.ringSlots() + " slots of " + queue.size());
    }
    if (!packed && c.id() >= queue.size()) {
      throw new AssertionError("split head " + c.id() + " outside the table");
    }
  }

  private static void requireRam(SegmentGuestMemory memory, Buffer b) {
    if (!memory.isRam(b.gpa(), b.length())) {
      throw new AssertionError("chain buffer outside RAM: " + b);
    }
  }
}
