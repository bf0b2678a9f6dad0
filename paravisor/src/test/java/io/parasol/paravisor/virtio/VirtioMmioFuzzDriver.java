package io.parasol.paravisor.virtio;

import io.parasol.isolation.HeapPartition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.rng.VirtioRng;
import java.util.Random;

/**
 * Drives one virtio-mmio device (a {@link VirtioRng}, which serves requests on the vCPU thread, so
 * an input always means the same thing) from a fuzz input, as a malicious driver would: any access
 * to its registers and configuration, garbage in the ring area of guest memory, and configuration
 * interrupts.
 *
 * <p>The input is a little program of up to {@value #MAX_OPERATIONS} operations, each an opcode
 * byte and its little-endian operands (a missing byte reads as zero and ends the input):
 *
 * <ul>
 *   <li>{@code 0x00–0x3F} register access: bit 0 write, bits 2:1 width 1/2/4/8; u16 offset (modulo
 *       twice the register block, so the bytes after it are tried too), u64 value for a write.
 *   <li>{@code 0x80–0x8F} guest memory: u16 offset into the 64 KiB at {@link #RING_AREA}, u64 value
 *       written there.
 *   <li>{@code 0x90–0x9F} the device signals a configuration change.
 *   <li>others: nothing.
 * </ul>
 *
 * <p>Failure: a device fault counted by the bus (an exception the bus contained), a read that
 * returns more bits than its width, or any exception escaping.
 */
final class VirtioMmioFuzzDriver {
  static final int MAX_OPERATIONS = 512;
  static final long RING_AREA = 0x1_0000L;
  static final long BASE = 0xFEB0_0000L;
  private static final AccessSize[] WIDTHS = AccessSize.values();

  private VirtioMmioFuzzDriver() {}

  /** Runs {@code data}; returns how many times the interrupt line was raised. */
  static int run(byte[] data) {
    HeapPartition partition = HeapPartition.ofSize(1L << 20);
    ChipsetBus bus = new ChipsetBus();
    int[] raised = {0};
    VirtioMmioDevice d =
        new VirtioMmioDevice(
            "virtio-mmio-fuzz",
            BASE,
            new VirtioRng(new Random(0)),
            partition.memory(),
            asserted -> raised[0] += asserted ? 1 : 0);
    bus.register(d);
    try {
      int at = 0;
      for (int op = 0; op < MAX_OPERATIONS && at < data.length; op++) {
        int opcode = data[at++] & 0xFF;
        long[] operands = new long[2];
        int[] sizes =
            opcode < 0x40
                ? new int[] {2, (opcode & 1) != 0 ? 8 : 0}
                : opcode >= 0x80 && opcode < 0x90 ? new int[] {2, 8} : new int[] {0, 0};
        boolean ended = false;
        for (int k = 0; k < 2; k++) {
          for (int i = 0; i < sizes[k]; i++) {
            if (at >= data.length) {
              ended = true;
              break;
            }
            operands[k] |= (data[at++] & 0xFFL) << (8 * i);
          }
        }
        if (ended) {
          break;
        }
        if (opcode < 0x40) {
          AccessSize width = WIDTHS[opcode >> 1 & 3];
          long gpa = BASE + operands[0] % (2 * VirtioMmioDevice.REGION_LENGTH);
          if ((opcode & 1) != 0) {
            bus.writeMmio(gpa, new IoValue(width, operands[1] & width.mask()));
          } else {
            IoValue value = IoValue.forRead(width);
            bus.readMmio(gpa, value);
            if ((value.value() & ~width.mask()) != 0) {
              throw new AssertionError("a read wider than its access: " + value);
            }
          }
        } else if (opcode >= 0x80 && opcode < 0x90) {
          try {
            partition.memory().writeLong(RING_AREA + operands[0], operands[1]);
          } catch (GuestMemoryException e) {
            throw new IllegalStateException("the ring area is RAM", e);
          }
        } else if (opcode >= 0x90 && opcode < 0xA0) {
          d.signalConfigChange();
        }
      }
      if (bus.deviceFaults() != 0) {
        throw new AssertionError(bus.deviceFaults() + " device faults");
      }
      return raised[0];
    } finally {
      d.reset();
    }
  }
}
