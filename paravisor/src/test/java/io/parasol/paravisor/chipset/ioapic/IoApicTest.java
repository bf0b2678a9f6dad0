package io.parasol.paravisor.chipset.ioapic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 82093AA / ICH I/O APIC behaviour through its MMIO window, pins and EOIs. */
class IoApicTest {
  private record Msi(long address, int data) {}

  private record Route(int pin, long address, int data, boolean masked) {}

  private final List<Msi> msis = new ArrayList<>();
  private final List<Route> routes = new ArrayList<>();
  private final IoRegion region = IoApic.defaultRegion();
  private final IoApic ioapic =
      new IoApic(
          region,
          1,
          (address, data) -> msis.add(new Msi(address, data)),
          (pin, address, data, masked) -> routes.add(new Route(pin, address, data, masked)));

  // Redirection entry fields, 82093AA §3.2.4.
  private static final long LEVEL = 1L << 15;
  private static final long MASKED = 1L << 16;
  private static final long ACTIVE_LOW = 1L << 13;
  private static final long REMOTE_IRR = 1L << 14;

  private void write32(long offset, long value) {
    assertEquals(
        IoStatus.OK, ioapic.writeMmio(region, offset, new IoValue(AccessSize.DWORD, value)));
  }

  private long read32(long offset) {
    IoValue data = IoValue.forRead(AccessSize.DWORD);
    assertEquals(IoStatus.OK, ioapic.readMmio(region, offset, data));
    return data.value();
  }

  private long readRegister(int index) {
    write32(0x00, index);
    return read32(0x10);
  }

  private void writeRegister(int index, long value) {
    write32(0x00, index);
    write32(0x10, value);
  }

  private void program(int pin, long entry) {
    writeRegister(0x11 + 2 * pin, entry >>> 32);
    writeRegister(0x10 + 2 * pin, entry & 0xFFFF_FFFFL);
  }

  private long entry(int pin) {
    return readRegister(0x10 + 2 * pin) | (readRegister(0x11 + 2 * pin) << 32);
  }

  @Test
  void identificationRegisters() {
    assertEquals(0x0100_0000L, readRegister(0x00), "IOAPICID bits 27..24");
    assertEquals(0x0017_0020L, readRegister(0x01), "version 0x20, 24 entries");
    assertEquals(0x0100_0000L, readRegister(0x02), "arbitration ID follows the ID");
    writeRegister(0x00, 0xFFFF_FFFFL);
    assertEquals(0x0F00_0000L, readRegister(0x00), "only bits 27..24 are writable");
    writeRegister(0x01, 0);
    assertEquals(0x0017_0020L, readRegister(0x01), "IOAPICVER is read-only");
  }

  @Test
  void ioRegSelReadsBackItsIndexOnly() {
    write32(0x00, 0xFFFF_FF12L);
    assertEquals(0x12, read32(0x00));
  }

  @Test
  void entriesResetMasked() {
    for (int pin = 0; pin < IoApic.PIN_COUNT; pin++) {
      assertEquals(MASKED, entry(pin));
    }
  }

  @Test
  void outOfRangeIndicesReadZeroAndIgnoreWrites() {
    for (int index : new int[] {0x03, 0x0F, 0x40, 0x41, 0xFF}) {
      writeRegister(index, 0xFFFF_FFFFL);
      assertEquals(0, readRegister(index), "index 0x" + Integer.toHexString(index));
    }
    assertTrue(routes.isEmpty());
  }

  @Test
  void readOnlyAndReservedBitsAreProtected() {
    program(5, 0xFFFF_FFFF_FFFF_FFFFL);
    long entry = entry(5);
    assertEquals(0, entry & (1L << 12), "Delivery Status is read-only");
    assertEquals(0, entry & REMOTE_IRR, "Remote IRR is read-only");
    assertEquals(0, entry & 0x0000_FFFF_FFFE_0000L, "reserved bits 47..17 read zero");
    assertEquals(0xFFFF_0000_0001_AFFFL, entry);
  }

  @Test
  void edgeRisingEdgeSendsOneMsi() {
    program(4, 0x0300_0000_0000_0031L); // destination 3, physical, fixed, vector 0x31, edge
    ioapic.pin(4).setLevel(true);
    assertEquals(List.of(new Msi(0xFEE0_3000L, 0x4031)), msis);
    ioapic.pin(4).setLevel(true);
    assertEquals(1, msis.size(), "no new edge while held high");
    ioapic.pin(4).setLevel(false);
    ioapic.pin(4).pulse();
    assertEquals(2, msis.size());
  }

  @Test
  void edgeWhileMaskedIsLost() {
    program(4, MASKED | 0x31);
    ioapic.pin(4).pulse();
    ioapic.pin(4).setLevel(true);
    program(4, 0x31);
    assertTrue(msis.isEmpty(), "82093AA: edges on a masked pin are ignored, not held pending");
  }

  @Test
  void levelDeliversOnceUntilEoi() {
    program(9, LEVEL | 0x49);
    ioapic.pin(9).setLevel(true);
    assertEquals(List.of(new Msi(0xFEE0_0000L, 0xC049)), msis);
    assertEquals(REMOTE_IRR, entry(9) & REMOTE_IRR);
    ioapic.pin(9).setLevel(false);
    ioapic.pin(9).setLevel(true);
    assertEquals(1, msis.size(), "Remote IRR set: no delivery until EOI");
    ioapic.endOfInterrupt(0x49);
    assertEquals(2, msis.size(), "still asserted after EOI: delivered again");
    ioapic.pin(9).setLevel(false);
    ioapic.endOfInterrupt(0x49);
    assertEquals(0, entry(9) & REMOTE_IRR);
    assertEquals(2, msis.size());
  }

  @Test
  void eoiForAnotherVectorLeavesRemoteIrr() {
    program(9, LEVEL | 0x49);
    ioapic.pin(9).setLevel(true);
    ioapic.endOfInterrupt(0x48);
    assertEquals(REMOTE_IRR, entry(9) & REMOTE_IRR);
  }

  @Test
  void eoiRegisterOfVersion20() {
    program(10, LEVEL | 0x5A);
    program(11, LEVEL | 0x5A);
    ioapic.pin(10).setLevel(true);
    ioapic.pin(11).setLevel(true);
    assertEquals(2, msis.size());
    ioapic.pin(11).setLevel(false);
    write32(0x40, 0xFFFF_FF5AL); // only bits 7..0 are the vector
    assertEquals(0, entry(11) & REMOTE_IRR, "every entry with the vector is cleared");
    assertEquals(3, msis.size(), "pin 10 still asserted: delivered again; pin 11 not");
    assertEquals(REMOTE_IRR, entry(10) & REMOTE_IRR, "set again by the re-delivery");
  }

  @Test
  void unmaskingAnAssertedLevelPinDelivers() {
    program(16, MASKED | LEVEL | 0x61);
    ioapic.pin(16).setLevel(true);
    assertTrue(msis.isEmpty());
    program(16, LEVEL | 0x61);
    assertEquals(List.of(new Msi(0xFEE0_0000L, 0xC061)), msis);
  }

  @Test
  void activeLowPolarityInvertsTheInput() {
    program(17, LEVEL | ACTIVE_LOW | 0x62);
    assertEquals(1, msis.size(), "an active-low pin at electrical low is asserted");
    ioapic.pin(17).setLevel(true); // deasserted
    ioapic.endOfInterrupt(0x62);
    assertEquals(1, msis.size());
    ioapic.pin(17).setLevel(false); // asserted again
    assertEquals(2, msis.size());

    program(18, ACTIVE_LOW | 0x63); // edge, active low: a falling electrical edge
    ioapic.pin(18).setLevel(true);
    assertEquals(2, msis.size());
    ioapic.pin(18).setLevel(false);
    assertEquals(3, msis.size());
  }

  @Test
  void switchingToEdgeClearsRemoteIrr() {
    program(9, LEVEL | 0x49);
    ioapic.pin(9).setLevel(true);
    program(9, 0x49);
    assertEquals(0, entry(9) & REMOTE_IRR);
  }

  @Test
  void msiAddressAndDataComposition() {
    // Destination 0xAB, logical mode, delivery mode lowest priority (001), vector 0xEC, level.
    program(0, 0xAB00_0000_0000_0000L | LEVEL | (1L << 11) | (1L << 8) | 0xEC);
    ioapic.pin(0).setLevel(true);
    assertEquals(new Msi(0xFEEA_B004L, 0xC1EC), msis.get(0));
    // NMI (100), physical, destination 0, edge.
    program(1, (4L << 8) | 0x02);
    ioapic.pin(1).pulse();
    assertEquals(new Msi(0xFEE0_0000L, 0x4402), msis.get(1));
    // ICH extended destination ID (RTE 55:48) goes to address bits 11:4.
    program(2, 0x0135_0000_0000_0040L);
    ioapic.pin(2).pulse();
    assertEquals(new Msi(0xFEE0_1350L, 0x4040), msis.get(2));
  }

  @Test
  void routeListenerSeesEveryChange() {
    program(3, 0x0200_0000_0000_0000L | LEVEL | MASKED | 0x33);
    Route last = routes.get(routes.size() - 1);
    assertEquals(new Route(3, 0xFEE0_2000L, 0xC033, true), last);
    program(3, 0x0200_0000_0000_0000L | LEVEL | 0x33);
    assertEquals(new Route(3, 0xFEE0_2000L, 0xC033, false), routes.get(routes.size() - 1));
    int before = routes.size();
    program(3, 0x0200_0000_0000_0000L | LEVEL | 0x33);
    assertEquals(before, routes.size(), "rewriting the same entry is no change");
  }

  @Test
  void registersAre32BitOnly() {
    for (long offset : new long[] {0x00, 0x10, 0x40}) {
      for (AccessSize size :
          new AccessSize[] {AccessSize.BYTE, AccessSize.WORD, AccessSize.QWORD}) {
        assertEquals(
            IoStatus.INVALID_ACCESS_SIZE, ioapic.readMmio(region, offset, IoValue.forRead(size)));
        assertEquals(
            IoStatus.INVALID_ACCESS_SIZE,
            ioapic.writeMmio(region, offset, new IoValue(size, 0x10)));
      }
    }
    assertEquals(0, read32(0x00), "refused writes changed nothing");
    assertEquals(
        IoStatus.UNALIGNED_ACCESS, ioapic.readMmio(region, 0x12, IoValue.forRead(AccessSize.BYTE)));
    assertEquals(
        IoStatus.INVALID_REGISTER,
        ioapic.readMmio(region, 0x20, IoValue.forRead(AccessSize.DWORD)));
    assertEquals(
        IoStatus.INVALID_REGISTER,
        ioapic.writeMmio(region, 0xFFC, new IoValue(AccessSize.DWORD, 1)));
    assertEquals(0, read32(0x40), "EOI is write-only");
  }

  @Test
  void pinsOutsideTheTableAreWiringBugs() {
    assertThrows(IllegalArgumentException.class, () -> ioapic.pin(24));
    assertThrows(IllegalArgumentException.class, () -> ioapic.pin(-1));
  }

  @Test
  void anySequenceOfAccessesIsAccepted() {
    Random random = new Random(82093);
    AccessSize[] sizes = AccessSize.values();
    for (int i = 0; i < 100_000; i++) {
      long offset = random.nextInt(0x1000);
      if (random.nextBoolean()) {
        offset &= 0x7C; // mostly near the registers
      }
      AccessSize size = sizes[random.nextInt(sizes.length)];
      switch (random.nextInt(4)) {
        case 0 -> ioapic.writeMmio(region, offset, new IoValue(size, random.nextLong()));
        case 1 -> ioapic.readMmio(region, offset, IoValue.forRead(size));
        case 2 -> ioapic.pin(random.nextInt(24)).setLevel(random.nextBoolean());
        default -> ioapic.endOfInterrupt(random.nextInt(256));
      }
    }
  }
}
