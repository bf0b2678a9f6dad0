package io.parasol.paravisor.vm;

import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.ManualTimeSource;
import io.parasol.paravisor.chipset.PowerControl;
import io.parasol.paravisor.chipset.uart.CapturingSerialBackend;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Drives a whole {@link PcChipset} from one fuzz input: accesses to every region its devices
 * declared, time passing, ISA interrupt lines toggled, interrupt acknowledge and EOI, and serial
 * input. Shared by the Jazzer target, the seeded-random loop and the seed generator in {@link
 * ChipsetFuzzTest}, so an input means the same thing to all three.
 *
 * <p>The input is read as a little program, so that a seed can be written by hand and an input that
 * a random loop finds is a regression input as it stands. Header: u32 start time in milliseconds,
 * u32 wall-clock seconds since the epoch. Then up to {@value #MAX_OPERATIONS} operations, each an
 * opcode byte and its operands (multi-byte operands little-endian; a missing byte reads as zero and
 * ends the input):
 *
 * <ul>
 *   <li>{@code 0x00–0x9F, 0xE0–0xFF} an access: bit 0 write; bits 2:1 width 1/2/4/8 bytes (any
 *       width, whether or not the device takes it); bit 6 keeps the offset in the first 256 bytes
 *       (so the PCI ECAM hits function 00:00.0); bits 5:3 all set puts the access just past the
 *       region's end. Operands: u8 region index (modulo the number of regions), u32 offset (modulo
 *       the region length), and for a write the u64 value.
 *   <li>{@code 0xA0–0xAF} time passes: u16 amount; bits 1:0 the unit (ns, µs, 100 µs, 10 ms). The
 *       total per input is capped at {@value #MAX_TOTAL_ADVANCE_NANOS} ns, so an input whose guest
 *       programmed the PIT to its fastest rate still runs in milliseconds.
 *   <li>{@code 0xB0–0xBF} ISA IRQ (bits 3:0; 2, the cascade, means 9) set to u8 bit 0.
 *   <li>{@code 0xC0–0xC7} IOAPIC EOI of vector u8; {@code 0xC8–0xCF} a PIC acknowledge cycle.
 *   <li>{@code 0xD0–0xDE} COM1 receives (bits 3:0)+1 bytes from the input; {@code 0xDF} a break.
 * </ul>
 *
 * <p>The regions come from {@link ChipsetBus#portRegions()} and {@link ChipsetBus#mmioRegions()}:
 * whatever {@link PcChipset} registers is fuzzed, including devices added to it later, with no list
 * here to keep in step.
 *
 * <p>Failures: a device fault counted by the bus (the bus contains a device's exception, so without
 * this check the target could never fail), an exception escaping the bus, a timer callback or an
 * interrupt path, and a read the bus completed without setting a value (the guest would see
 * whatever the previous exit left in the shared page) or with one wider than the access.
 */
final class ChipsetFuzzDriver {
  static final int MAX_OPERATIONS = 256;
  static final long MAX_TOTAL_ADVANCE_NANOS = 3_000_000_000L;
  private static final long[] TIME_UNITS_NANOS = {1, 1_000, 100_000, 10_000_000};
  private static final AccessSize[] WIDTHS = AccessSize.values();

  /** What one input did, for tests of the seed corpus. */
  record Report(
      int operations,
      Set<String> regionsAccessed,
      long advancedNanos,
      long msis,
      long extIntChanges,
      String com1Output) {}

  /** An {@link IoData} that, as KVM's does, keeps only the access width, and counts setValue. */
  private static final class GuestIoData implements IoData {
    private AccessSize size;
    private long value;
    private int sets;

    GuestIoData reset(AccessSize size, long value) {
      this.size = size;
      this.value = value & size.mask();
      this.sets = 0;
      return this;
    }

    @Override
    public AccessSize size() {
      return size;
    }

    @Override
    public long value() {
      return value;
    }

    @Override
    public void setValue(long value) {
      this.value = value & size.mask();
      sets++;
    }
  }

  /** Reads operands from the input; past its end every read is zero and {@link #exhausted} set. */
  private static final class Cursor {
    private final byte[] input;
    private int position;
    boolean exhausted;

    Cursor(byte[] input) {
      this.input = input;
    }

    int u8() {
      if (position >= input.length) {
        exhausted = true;
        return 0;
      }
      return input[position++] & 0xFF;
    }

    int u16() {
      return u8() | u8() << 8;
    }

    long u32() {
      return (u16() | (long) u16() << 16) & 0xFFFF_FFFFL;
    }

    long u64() {
      return u32() | u32() << 32;
    }

    boolean hasMore() {
      return position < input.length;
    }
  }

  private static final class RecordingPower implements PowerControl {
    final List<String> events = new ArrayList<>();

    @Override
    public void powerOff(String source) {
      events.add("off " + source);
    }

    @Override
    public void reset(String source) {
      events.add("reset " + source);
    }
  }

  private ChipsetFuzzDriver() {}

  /**
   * Runs one input on a fresh chipset.
   *
   * @throws AssertionError when a device faulted or a read came back wrong
   */
  static Report run(byte[] input) {
    return run(input, bus -> {});
  }

  /** Runs one input with extra devices that {@code extraWiring} puts on the bus (for tests). */
  static Report run(byte[] input, Consumer<ChipsetBus> extraWiring) {
    Cursor in = new Cursor(input);
    long startNanos = in.u32() * 1_000_000L;
    Instant wallClock = Instant.ofEpochSecond(in.u32());

    ChipsetBus bus = new ChipsetBus();
    HeapPartition partition = new HeapPartition(new PartitionConfig(16 << 20, 1));
    ManualTimeSource time = new ManualTimeSource(startNanos);
    CapturingSerialBackend com1 = new CapturingSerialBackend();
    RecordingPower power = new RecordingPower();
    try (PcChipset chipset =
        new PcChipset(bus, partition, power, time, InstantSource.fixed(wallClock), com1)) {
      extraWiring.accept(bus);
      List<IoRegion> regions = new ArrayList<>();
      int portRegionCount;
      regions.addAll(bus.portRegions());
      portRegionCount = regions.size();
      regions.addAll(bus.mmioRegions());
      InterruptLine[] isaIrqs = new InterruptLine[16];
      for (int irq = 0; irq < 16; irq++) {
        isaIrqs[irq] = chipset.isaIrq(irq == 2 ? 9 : irq);
      }

      GuestIoData data = new GuestIoData();
      Set<String> accessed = new HashSet<>();
      long advanced = 0;
      int operations = 0;
      while (operations < MAX_OPERATIONS && in.hasMore()) {
        operations++;
        int op = in.u8();
        if (op >= 0xA0 && op <= 0xAF) {
          long nanos = in.u16() * TIME_UNITS_NANOS[op & 3];
          nanos = Math.min(nanos, MAX_TOTAL_ADVANCE_NANOS - advanced);
          advanced += nanos;
          time.advance(nanos);
        } else if (op >= 0xB0 && op <= 0xBF) {
          isaIrqs[op & 0xF].setLevel((in.u8() & 1) != 0);
        } else if (op >= 0xC0 && op <= 0xC7) {
          chipset.ioApic().endOfInterrupt(in.u8());
        } else if (op >= 0xC8 && op <= 0xCF) {
          int vector = chipset.pic().acknowledgeInterrupt();
          check(vector >= 0 && vector <= 0xFF, "PIC acknowledge returned vector " + vector);
        } else if (op >= 0xD0 && op <= 0xDE) {
          byte[] bytes = new byte[(op & 0xF) + 1];
          for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) in.u8();
          }
          com1.inject(bytes);
        } else if (op == 0xDF) {
          com1.injectBreak();
        } else {
          int index = in.u8() % regions.size();
          IoRegion region = regions.get(index);
          boolean write = (op & 1) != 0;
          AccessSize width = WIDTHS[(op >>> 1) & 3];
          long raw = in.u32();
          long offset;
          if ((op & 0x38) == 0x38) {
            offset = region.length() + raw % 8; // just past the end: the neighbour or nobody
          } else if ((op & 0x40) != 0) {
            offset = raw % Math.min(region.length(), 256);
          } else {
            offset = raw % region.length();
          }
          long address = region.base() + offset;
          if (offset < region.length()) {
            accessed.add(region.name());
          }
          boolean port = index < portRegionCount;
          if (write) {
            data.reset(width, in.u64());
            if (port) {
              bus.writePort((int) address, data);
            } else {
              bus.writeMmio(address, data);
            }
          } else {
            // Poison: a read that sets nothing must not pass for one that set this.
            data.reset(width, 0x5A5A_5A5A_5A5A_5A5AL);
            if (port) {
              bus.readPort((int) address, data);
            } else {
              bus.readMmio(address, data);
            }
            String what = width + " read of " + region + " at offset 0x" + Long.toHexString(offset);
            check(data.sets > 0, what + " returned without a value");
            check(
                (data.value() & ~width.mask()) == 0,
                what + " returned 0x" + Long.toHexString(data.value()));
          }
        }
        check(
            bus.deviceFaults() == 0,
            "a device faulted at operation " + operations + " (see the log)");
      }
      return new Report(
          operations,
          accessed,
          advanced,
          partition.msiCount(),
          partition.vp(0).extIntChanges(),
          com1.writtenText());
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
