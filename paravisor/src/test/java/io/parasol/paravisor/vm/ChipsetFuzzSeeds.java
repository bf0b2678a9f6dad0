package io.parasol.paravisor.vm;

import io.parasol.isolation.HeapPartition;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.time.ManualTimeSource;
import io.parasol.paravisor.chipset.PowerControl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hand-written seed inputs of {@link ChipsetFuzzTest}, one or more per device, written as
 * programs in {@link ChipsetFuzzDriver}'s input format. Each does what a driver of that device does
 * first (initialise, enable interrupts, let time pass, read status), so fuzzing starts from inputs
 * that get past the first register. Regenerate the files with {@link #main}; the test {@code
 * ChipsetFuzzTest.seedCorpusReachesEveryRegion} checks the committed ones still cover every region.
 */
final class ChipsetFuzzSeeds {
  private ChipsetFuzzSeeds() {}

  /** Builds one input; accesses name absolute ports and addresses and are resolved to regions. */
  static final class Program {
    private static final List<IoRegion> REGIONS = chipsetRegions();
    private static final int PORT_REGION_COUNT = portRegionCount();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Program(long startMillis, long wallClockSeconds) {
      le(startMillis, 4);
      le(wallClockSeconds, 4);
    }

    Program out(int port, int bytes, long value) {
      return access(true, false, port, bytes, value);
    }

    Program in(int port, int bytes) {
      return access(false, false, port, bytes, 0);
    }

    Program outb(int port, int value) {
      return out(port, 1, value);
    }

    Program inb(int port) {
      return in(port, 1);
    }

    Program store(long gpa, int bytes, long value) {
      return access(true, true, gpa, bytes, value);
    }

    Program load(long gpa, int bytes) {
      return access(false, true, gpa, bytes, 0);
    }

    /** Lets {@code micros} microseconds pass (at most 65535). */
    Program waitMicros(int micros) {
      out.write(0xA1);
      le(micros, 2);
      return this;
    }

    /** Lets {@code tenMillis} × 10 ms pass. */
    Program waitTenMillis(int tenMillis) {
      out.write(0xA3);
      le(tenMillis, 2);
      return this;
    }

    Program irq(int isaIrq, boolean level) {
      out.write(0xB0 | isaIrq);
      out.write(level ? 1 : 0);
      return this;
    }

    Program ioApicEoi(int vector) {
      out.write(0xC0);
      out.write(vector);
      return this;
    }

    Program picAck() {
      out.write(0xC8);
      return this;
    }

    Program com1Receive(String text) {
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      for (int i = 0; i < bytes.length; i += 15) {
        int n = Math.min(15, bytes.length - i);
        out.write(0xD0 | (n - 1));
        out.write(bytes, i, n);
      }
      return this;
    }

    Program com1Break() {
      out.write(0xDF);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private Program access(boolean write, boolean mmio, long address, int bytes, long value) {
      int first = mmio ? PORT_REGION_COUNT : 0;
      int last = mmio ? REGIONS.size() : PORT_REGION_COUNT;
      for (int i = first; i < last; i++) {
        IoRegion region = REGIONS.get(i);
        if (region.contains(address)) {
          int width = Integer.numberOfTrailingZeros(bytes);
          int op = (write ? 1 : 0) | width << 1;
          out.write(op);
          out.write(i);
          le(address - region.base(), 4);
          if (write) {
            le(value, 8);
          }
          return this;
        }
      }
      throw new IllegalArgumentException("nothing at 0x" + Long.toHexString(address));
    }

    private void le(long value, int bytes) {
      for (int i = 0; i < bytes; i++) {
        out.write((int) (value >>> (8 * i)));
      }
    }

    private static List<IoRegion> chipsetRegions() {
      ChipsetBus bus = chipsetBus();
      List<IoRegion> regions = new ArrayList<>(bus.portRegions());
      regions.addAll(bus.mmioRegions());
      if (regions.size() > 0x100) {
        throw new IllegalStateException("the input format indexes regions with one byte");
      }
      return regions;
    }

    private static int portRegionCount() {
      return chipsetBus().portRegions().size();
    }
  }

  /** A bus with a {@link PcChipset} on it, as the driver builds one. */
  static ChipsetBus chipsetBus() {
    ChipsetBus bus = new ChipsetBus();
    PowerControl ignore =
        new PowerControl() {
          @Override
          public void powerOff(String source) {}

          @Override
          public void reset(String source) {}
        };
    try (PcChipset chipset =
        new PcChipset(
            bus,
            HeapPartition.ofSize(1 << 20),
            ignore,
            new ManualTimeSource(),
            InstantSource.fixed(Instant.EPOCH),
            null)) {
      return bus;
    }
  }

  /** The seeds by file name. */
  static Map<String, byte[]> all() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("pic-init-ack-eoi", pic());
    seeds.put("ioapic-route-and-eoi", ioApic());
    seeds.put("pit-modes-and-readback", pit());
    seeds.put("rtc-interrupts-and-time", rtc());
    seeds.put("i8042-commands", i8042());
    for (int base : new int[] {0x3F8, 0x2F8, 0x3E8, 0x2E8}) {
      seeds.put("uart-" + Integer.toHexString(base) + "-fifo-and-interrupts", uart(base));
    }
    seeds.put("acpi-pm-timer-and-sleep", acpiPm());
    seeds.put("pci-config-ports-and-ecam", pci());
    seeds.put("reset-post-debugcon", misc());
    return seeds;
  }

  static byte[] pic() {
    Program p = new Program(0, 1_767_225_600L);
    // 8259A ICW1–ICW4: edge, cascade, vectors 0x20/0x28, slave on IR2, 8086 mode.
    p.outb(0x20, 0x11).outb(0x21, 0x20).outb(0x21, 0x04).outb(0x21, 0x01);
    p.outb(0xA0, 0x11).outb(0xA1, 0x28).outb(0xA1, 0x02).outb(0xA1, 0x01);
    p.outb(0x21, 0x00).outb(0xA1, 0x00); // OCW1: unmask all
    p.out(0x4D0, 1, 0x20).out(0x4D1, 1, 0x0E).in(0x4D0, 2); // ELCR: IRQ5, 9-11 level
    p.irq(1, true).irq(1, false).irq(9, true).irq(14, true).picAck().picAck();
    p.outb(0x20, 0x0A).inb(0x20).outb(0x20, 0x0B).inb(0x20); // OCW3: read IRR, ISR
    p.outb(0xA0, 0x20).outb(0x20, 0x20).irq(9, false).picAck();
    p.outb(0x20, 0x0C).inb(0x20); // poll
    p.outb(0x20, 0x68).outb(0x20, 0xC7).outb(0x20, 0x60); // special mask, priority rotate, SEOI
    p.irq(0, true).irq(0, false).picAck().outb(0x20, 0xA0); // rotate on non-specific EOI
    p.outb(0x21, 0xFF).inb(0x21).inb(0xA1);
    return p.bytes();
  }

  static byte[] ioApic() {
    Program p = new Program(5, 1_767_225_600L);
    long base = 0xFEC0_0000L;
    p.store(base, 4, 0x00).load(base + 0x10, 4); // ID
    p.store(base, 4, 0x01).load(base + 0x10, 4); // version, max redirection entry
    for (int pin : new int[] {1, 2, 4, 8, 9, 12}) {
      int vector = 0x30 + pin;
      boolean level = pin == 9;
      p.store(base, 4, 0x10 + 2 * pin).store(base + 0x10, 4, vector | (level ? 1 << 15 : 0));
      p.store(base, 4, 0x11 + 2 * pin).store(base + 0x10, 4, 0);
    }
    p.irq(1, true).irq(1, false).irq(9, true).ioApicEoi(0x39).irq(9, false).ioApicEoi(0x39);
    p.store(base, 4, 0x10 + 2 * 9).load(base + 0x10, 4); // remote IRR
    p.store(base, 4, 0x10 + 2 * 9).store(base + 0x10, 4, 0x10000); // mask pin 9
    p.irq(9, true).store(base, 4, 0x10 + 2 * 9).store(base + 0x10, 4, 0xA039); // unmask: fires
    p.ioApicEoi(0x39).store(base + 0x40, 4, 0x39); // EOI register (version 0x20)
    p.load(base + 0x3, 1).store(base + 0x12, 2, 0xFFFF).load(base + 0x20, 8);
    return p.bytes();
  }

  static byte[] pit() {
    Program p = new Program(1, 1_767_225_600L);
    p.outb(0x43, 0x34).outb(0x40, 0x9C).outb(0x40, 0x2E); // counter 0, mode 2, 11932 ≈ 100 Hz
    p.waitTenMillis(3).outb(0x43, 0x00).inb(0x40).inb(0x40); // counter latch
    p.outb(0x43, 0xE2).inb(0x40).inb(0x40); // read-back status + count of counter 0
    p.outb(0x43, 0x30).outb(0x40, 0xFF).outb(0x40, 0xFF).waitTenMillis(5); // mode 0 one-shot
    p.outb(0x43, 0x36).outb(0x40, 0x02).outb(0x40, 0x00).waitMicros(100); // mode 3, fastest
    p.outb(0x43, 0x12).outb(0x40, 0x50).waitMicros(200); // mode 1 (gate high: never triggers)
    p.outb(0x61, 0x01).outb(0x43, 0xB6).outb(0x42, 0x00).outb(0x42, 0x10); // speaker tone
    p.inb(0x61).waitMicros(5000).inb(0x61).outb(0x61, 0x00).inb(0x42);
    p.outb(0x43, 0x98).outb(0x42, 0x20).outb(0x61, 0x01).waitMicros(100).inb(0x61); // mode 4
    p.outb(0x43, 0x7A).outb(0x41, 0x12).outb(0x41, 0x00).inb(0x41); // counter 1 mode 5
    p.outb(0x43, 0x34).outb(0x40, 0x00).outb(0x40, 0x00).waitTenMillis(200); // 65536, 18.2 Hz
    return p.bytes();
  }

  static byte[] rtc() {
    Program p = new Program(999, 1_767_225_599L); // 2025-12-31T23:59:59Z
    for (int reg = 0; reg <= 0x0D; reg++) {
      p.outb(0x70, reg).inb(0x71);
    }
    p.outb(0x70, 0x0B).outb(0x71, 0x72); // PIE, AIE, UIE, 24h BCD
    p.outb(0x70, 0x0A).outb(0x71, 0x23); // 8192 Hz
    p.outb(0x70, 0x05).outb(0x71, 0xFF).outb(0x70, 0x03).outb(0x71, 0xC0); // don't-care alarm
    p.waitTenMillis(1).outb(0x70, 0x0C).inb(0x71).waitTenMillis(110).outb(0x70, 0x0C).inb(0x71);
    p.outb(0x70, 0x0B).outb(0x71, 0x86).outb(0x70, 0x00).outb(0x71, 0x59); // SET, binary
    p.outb(0x70, 0x0B).outb(0x71, 0x06).outb(0x70, 0x0A).outb(0x71, 0x70); // divider reset
    p.outb(0x70, 0x0A).outb(0x71, 0x26).waitTenMillis(100).outb(0x70, 0x0A).inb(0x71);
    p.outb(0x70, 0x0B).outb(0x71, 0x00).outb(0x70, 0x04).outb(0x71, 0x8C); // 12h PM
    p.outb(0x70, 0x32).inb(0x71).outb(0x70, 0xFF).outb(0x71, 0xAA).inb(0x71).in(0x70, 2);
    return p.bytes();
  }

  static byte[] i8042() {
    Program p = new Program(2, 1_767_225_600L);
    p.inb(0x64).outb(0x64, 0xAA).inb(0x60); // self-test: 0x55
    p.outb(0x64, 0x20).inb(0x60).outb(0x64, 0x60).outb(0x60, 0x47); // CCB: IRQ1, IRQ12
    p.outb(0x64, 0xAB).inb(0x60).outb(0x64, 0xA9).inb(0x60); // interface tests
    p.outb(0x60, 0xFF).inb(0x64).inb(0x60).inb(0x60); // keyboard reset: FA AA
    p.outb(0x60, 0xF2).inb(0x60).inb(0x60).inb(0x60); // identify
    p.outb(0x60, 0xED).outb(0x60, 0x07).outb(0x60, 0xF0).outb(0x60, 0x00).inb(0x60).inb(0x60);
    p.outb(0x64, 0xA8).outb(0x64, 0xD4).outb(0x60, 0xFF).inb(0x60).inb(0x60).inb(0x60);
    p.outb(0x64, 0xD4).outb(0x60, 0xF4).inb(0x60).outb(0x64, 0xD3).outb(0x60, 0x5A).inb(0x60);
    p.outb(0x64, 0xD2).outb(0x60, 0x1C).inb(0x60).outb(0x64, 0xD0).inb(0x60);
    p.outb(0x64, 0xD1).outb(0x60, 0xDF).outb(0x64, 0xAD).outb(0x64, 0xAE).outb(0x64, 0xC0);
    p.inb(0x60).outb(0x64, 0xFE).inb(0x64).outb(0x64, 0x00).out(0x60, 2, 0x1234);
    return p.bytes();
  }

  static byte[] uart(int base) {
    Program p = new Program(3, 1_767_225_600L);
    p.outb(base + 1, 0x00).outb(base + 3, 0x80).outb(base, 0x01).outb(base + 1, 0x00); // 115200
    p.outb(base + 3, 0x03).outb(base + 2, 0xC7).outb(base + 4, 0x0B).outb(base + 1, 0x0F);
    p.inb(base + 2).inb(base + 5).inb(base + 6);
    for (char c : "hello\r\n".toCharArray()) {
      p.outb(base, c);
    }
    p.inb(base + 2).inb(base + 5);
    if (base == 0x3F8) {
      p.com1Receive("abc").waitMicros(1000).inb(base + 2).inb(base).inb(base + 5).inb(base);
      p.com1Receive("0123456789abcdefghijklmnop").inb(base + 5).inb(base + 2).inb(base);
      p.com1Break().inb(base + 5).inb(base + 2);
    }
    p.outb(base + 4, 0x1F).outb(base, 0x55).inb(base + 5).inb(base).inb(base + 6); // loopback
    p.outb(base + 7, 0xA5).inb(base + 7).outb(base + 2, 0x06).outb(base + 2, 0x00);
    p.outb(base + 3, 0x1F).outb(base + 3, 0x83).outb(base, 0x00).outb(base + 1, 0x00);
    p.outb(base + 3, 0x03).outb(base, 0x41).waitMicros(100).inb(base + 5).in(base, 2);
    return p.bytes();
  }

  static byte[] acpiPm() {
    Program p = new Program(4, 1_767_225_600L);
    p.in(0x608, 4).waitTenMillis(10).in(0x608, 4).in(0x600, 2).in(0x602, 2);
    p.out(0x602, 2, 0x0121).out(0x600, 2, 0xFFFF); // TMR_EN, PWRBTN_EN, RTC_EN; clear status
    p.waitTenMillis(6000).in(0x600, 2).out(0x600, 2, 0x0001); // 2^23 ticks ≈ 2.34 s: TMR_STS
    p.in(0x604, 2).out(0x604, 2, 0x0001).in(0x604, 2); // SCI_EN
    p.out(0x604, 2, 0x1400).out(0x604, 2, 0x3C00); // SLP_TYP 5 + SLP_EN: soft-off
    p.in(0x609, 1).in(0x600, 4).out(0x600, 4, -1L);
    return p.bytes();
  }

  static byte[] pci() {
    Program p = new Program(6, 1_767_225_600L);
    for (int reg = 0; reg < 0x40; reg += 4) {
      p.out(0xCF8, 4, 0x8000_0000L | reg).in(0xCFC, 4);
    }
    p.out(0xCF8, 4, 0x8000_0004L).out(0xCFC, 2, 0x0007).in(0xCFE, 2).in(0xCFD, 1);
    p.out(0xCF8, 4, 0x8000_0010L).out(0xCFC, 4, 0xFFFF_FFFFL).in(0xCFC, 4); // BAR sizing
    p.out(0xCF8, 4, 0x8001_0800L).in(0xCFC, 4).out(0xCF8, 4, 0x0000_0000L).in(0xCFC, 4);
    p.in(0xCF8, 4).out(0xCF8, 1, 0x12).in(0xCF8, 2);
    long ecam = 0xB000_0000L;
    p.load(ecam, 4).load(ecam + 2, 2).load(ecam + 8, 4).load(ecam + 0x0E, 1).load(ecam + 0x100, 4);
    p.store(ecam + 4, 2, 0x0006).store(ecam + 0x10, 4, 0xFFFF_FFFFL).load(ecam + 0x10, 4);
    p.load(ecam + (1 << 15), 4).load(ecam + (31L << 15), 4).load(ecam + 0xFFF, 1).load(ecam, 8);
    p.store(ecam + 0x3C, 1, 0x0B).load(ecam + 0x3C, 2).load(ecam + 0x000F_FFFCL, 4);
    return p.bytes();
  }

  static byte[] misc() {
    Program p = new Program(7, 1_767_225_600L);
    p.outb(0x80, 0x55).inb(0x80).outb(0x80, 0xAA).in(0x80, 2);
    for (char c : "debug\n".toCharArray()) {
      p.outb(0xE9, c);
    }
    p.inb(0xE9).out(0xE9, 2, 0x4141);
    p.inb(0xCF9).outb(0xCF9, 0x02).outb(0xCF9, 0x06).inb(0xCF9).outb(0xCF9, 0x0E);
    return p.bytes();
  }

  /** Writes every seed into {@code args[0]} (the regression-input directory). */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> seed : all().entrySet()) {
      Files.write(dir.resolve("seed-" + seed.getKey()), seed.getValue());
    }
  }
}
