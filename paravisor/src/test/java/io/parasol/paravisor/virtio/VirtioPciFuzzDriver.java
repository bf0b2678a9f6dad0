package io.parasol.paravisor.virtio;

import io.parasol.isolation.HeapPartition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.paravisor.chipset.ioapic.IoApic;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.pci.PciRoot;
import io.parasol.virtio.rng.VirtioRng;
import java.util.Random;

/**
 * Drives one virtio-pci function (a {@link VirtioRng}, which serves requests on the vCPU thread, so
 * an input always means the same thing) from a fuzz input, as a malicious driver would: any access
 * to configuration space and BAR 0, garbage in the ring area of guest memory, configuration
 * interrupts and IOAPIC EOIs.
 *
 * <p>The input is a little program of up to {@value #MAX_OPERATIONS} operations, each an opcode
 * byte and its little-endian operands (a missing byte reads as zero and ends the input):
 *
 * <ul>
 *   <li>{@code 0x00–0x3F} BAR 0 access: bit 0 write, bits 2:1 width 1/2/4/8; u16 offset (modulo the
 *       BAR's 32 KiB), u64 value for a write.
 *   <li>{@code 0x40–0x7F} configuration access through ECAM: bit 0 write, bits 2:1 width; u8
 *       register, u32 value for a write.
 *   <li>{@code 0x80–0x8F} guest memory: u16 offset into the 64 KiB at {@link #RING_AREA}, u64 value
 *       written there.
 *   <li>{@code 0x90–0x9F} the device signals a configuration change.
 *   <li>{@code 0xA0–0xAF} IOAPIC EOI of vector u8.
 *   <li>others: nothing.
 * </ul>
 *
 * <p>Failure: a device fault counted by the bus (an exception the bus contained) or any exception
 * escaping.
 */
final class VirtioPciFuzzDriver {
  static final int MAX_OPERATIONS = 512;
  static final long RING_AREA = 0x1_0000L;
  static final long BAR_GPA = 0xC000_0000L;
  private static final AccessSize[] WIDTHS = AccessSize.values();

  private VirtioPciFuzzDriver() {}

  private static final class Input {
    private final byte[] bytes;
    private int at;
    private boolean ended;

    Input(byte[] bytes) {
      this.bytes = bytes;
    }

    long read(int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        if (at >= bytes.length) {
          ended = true;
          return v;
        }
        v |= (bytes[at++] & 0xFFL) << (8 * i);
      }
      return v;
    }
  }

  /** Runs {@code data}; returns the vectors of the MSIs the guest received, in order. */
  static java.util.List<Integer> run(byte[] data) {
    HeapPartition partition = HeapPartition.ofSize(1L << 20);
    ChipsetBus bus = new ChipsetBus();
    PciRoot root = new PciRoot();
    bus.register(new PciEcam(root, PciEcam.DEFAULT_BASE, 1));
    IoApic ioApic =
        new IoApic(IoApic.defaultRegion(), 0, partition.msiTarget(), (p, a, d, m) -> {});
    bus.register(ioApic);
    InterruptLine pin = ioApic.pin(10);
    pin.setLevel(true);
    VirtioPciFunction f =
        new VirtioPciFunction(
            "virtio-fuzz",
            new VirtioRng(new Random(0)),
            partition.memory(),
            partition.msiTarget(),
            asserted -> pin.setLevel(!asserted),
            bus);
    root.registerDevice(0, 1, 0, f);
    f.placeBar(BAR_GPA);
    try {
      Input in = new Input(data);
      for (int op = 0; op < MAX_OPERATIONS && !in.ended; op++) {
        int opcode = (int) in.read(1);
        if (in.ended) {
          break;
        }
        AccessSize width = WIDTHS[opcode >> 1 & 3];
        boolean write = (opcode & 1) != 0;
        if (opcode < 0x40) {
          long offset = in.read(2) % VirtioPciFunction.BAR_SIZE;
          long gpa = BAR_GPA + offset;
          access(bus, gpa, width, write, write ? in.read(8) : 0);
        } else if (opcode < 0x80) {
          long gpa = PciEcam.DEFAULT_BASE + (1L << 15) + in.read(1);
          access(bus, gpa, width, write, write ? in.read(4) : 0);
        } else if (opcode < 0x90) {
          long offset = in.read(2);
          long value = in.read(8);
          try {
            partition.memory().writeLong(RING_AREA + offset, value);
          } catch (GuestMemoryException e) {
            throw new IllegalStateException("the ring area is RAM", e);
          }
        } else if (opcode < 0xA0) {
          f.signalConfigChange();
        } else if (opcode < 0xB0) {
          ioApic.endOfInterrupt((int) in.read(1));
        }
      }
      if (bus.deviceFaults() != 0) {
        throw new AssertionError(bus.deviceFaults() + " device faults");
      }
      return partition.msis().stream().map(HeapPartition.Msi::vector).toList();
    } finally {
      f.reset();
    }
  }

  private static void access(ChipsetBus bus, long gpa, AccessSize width, boolean write, long v) {
    if (write) {
      bus.writeMmio(gpa, new IoValue(width, v & width.mask()));
    } else {
      IoValue value = IoValue.forRead(width);
      bus.readMmio(gpa, value);
      if ((value.value() & ~width.mask()) != 0) {
        throw new AssertionError("a read wider than its access: " + value);
      }
    }
  }
}
