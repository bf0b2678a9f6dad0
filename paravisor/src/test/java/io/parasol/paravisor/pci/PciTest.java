package io.parasol.paravisor.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configuration mechanism #1 (PCI 3.0 §3.2.2.3.2), ECAM (PCIe §7.2.2) and the type-0 header. */
class PciTest {
  private final PciRoot root = new PciRoot();
  private final PciConfigPorts ports = new PciConfigPorts(root);
  private final PciEcam ecam = new PciEcam(root, PciEcam.DEFAULT_BASE, 256);
  private final IoRegion addressRegion = ports.portRegions().get(0);
  private final IoRegion dataRegion = ports.portRegions().get(1);
  private PciConfigSpace nic;

  @BeforeEach
  void setUp() {
    root.registerDevice(0, 0, 0, new PciHostBridge());
    nic = new PciConfigSpace(0x1AF4, 0x1041, 0x020000, 1, PciConfigSpace.EXTENDED_SIZE);
    nic.setMemoryBar(0, 0x4000, true, true);
    nic.setIoBar(2, 0x20);
    nic.setInterruptPin(1);
    root.registerDevice(0, 3, 0, nic);
  }

  private static int address(int bus, int dev, int fn, int reg) {
    return 0x8000_0000 | bus << 16 | dev << 11 | fn << 8 | reg;
  }

  private void outl(int value) {
    assertEquals(
        IoStatus.OK,
        ports.writePort(addressRegion, 0, new IoValue(AccessSize.DWORD, value & 0xFFFFFFFFL)));
  }

  private long readData(int offset, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    assertEquals(IoStatus.OK, ports.readPort(dataRegion, offset, v));
    return v.value();
  }

  private void writeData(int offset, AccessSize size, long value) {
    assertEquals(IoStatus.OK, ports.writePort(dataRegion, offset, new IoValue(size, value)));
  }

  private long ecamRead(int bus, int dev, int fn, int reg, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    long offset = (long) bus << 20 | dev << 15 | fn << 12 | reg;
    assertEquals(IoStatus.OK, ecam.readMmio(ecam.mmioRegions().get(0), offset, v));
    return v.value();
  }

  private void ecamWrite(int bus, int dev, int fn, int reg, AccessSize size, long value) {
    long offset = (long) bus << 20 | dev << 15 | fn << 12 | reg;
    assertEquals(
        IoStatus.OK, ecam.writeMmio(ecam.mmioRegions().get(0), offset, new IoValue(size, value)));
  }

  @Test
  void hostBridgeIdentityThroughCf8() {
    outl(address(0, 0, 0, 0x00));
    assertEquals(0x29C0_8086L, readData(0, AccessSize.DWORD));
    assertEquals(0x8086, readData(0, AccessSize.WORD));
    assertEquals(0x29C0, readData(2, AccessSize.WORD));
    assertEquals(0x86, readData(0, AccessSize.BYTE));
    assertEquals(0x80, readData(1, AccessSize.BYTE));
    assertEquals(0xC0, readData(2, AccessSize.BYTE));
    assertEquals(0x29, readData(3, AccessSize.BYTE));
    outl(address(0, 0, 0, 0x08));
    assertEquals(0x0600_0000L, readData(0, AccessSize.DWORD), "class 060000, revision 0");
  }

  @Test
  void configAddressReadsBackWithLowBitsClear() {
    outl(address(1, 2, 3, 0x44) | 0x3);
    IoValue v = IoValue.forRead(AccessSize.DWORD);
    ports.readPort(addressRegion, 0, v);
    assertEquals(address(1, 2, 3, 0x44) & 0xFFFFFFFFL, v.value());
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE,
        ports.readPort(addressRegion, 0, IoValue.forRead(AccessSize.BYTE)));
  }

  @Test
  void enableBitClearReadsAllOnesAndDropsWrites() {
    outl(address(0, 3, 0, 0x3C) & 0x7FFF_FFFF);
    assertEquals(0xFFFF_FFFFL, readData(0, AccessSize.DWORD));
    writeData(0, AccessSize.BYTE, 0x0B);
    assertEquals(0, nic.byteAt(PciConfigSpace.INTERRUPT_LINE));
  }

  @Test
  void writesAtEachWidthAndSubOffset() {
    outl(address(0, 3, 0, 0x3C));
    writeData(0, AccessSize.BYTE, 0x0B); // Interrupt Line
    writeData(1, AccessSize.BYTE, 0x04); // Interrupt Pin: read-only
    assertEquals(0x010B, readData(0, AccessSize.WORD));
    outl(address(0, 3, 0, 0x04));
    writeData(0, AccessSize.WORD, 0xFFFF);
    assertEquals(0x0547, readData(0, AccessSize.WORD), "only the writable Command bits");
    writeData(2, AccessSize.WORD, 0x0000);
    outl(address(0, 3, 0, 0x0C));
    writeData(0, AccessSize.DWORD, 0x0000_0010);
    assertEquals(0x10, readData(0, AccessSize.BYTE));
    assertEquals(
        IoStatus.UNALIGNED_ACCESS,
        ports.readPort(dataRegion, 2, IoValue.forRead(AccessSize.DWORD)));
  }

  @Test
  void absentFunctionsReadAllOnes() {
    outl(address(0, 5, 0, 0));
    assertEquals(0xFFFF_FFFFL, readData(0, AccessSize.DWORD));
    assertEquals(0xFFFFL, readData(2, AccessSize.WORD));
    outl(address(7, 0, 0, 0));
    assertEquals(0xFFFF_FFFFL, readData(0, AccessSize.DWORD));
    assertEquals(0xFFFF_FFFFL, ecamRead(0, 5, 0, 0, AccessSize.DWORD));
  }

  @Test
  void functionsAboveZeroNeedTheMultiFunctionBit() {
    PciConfigSpace fn1 = new PciConfigSpace(0x8086, 0x1234, 0x0C0300, 0, 256);
    root.registerDevice(0, 3, 1, fn1);
    assertEquals(0xFFFF_FFFFL, ecamRead(0, 3, 1, 0, AccessSize.DWORD));
    nic.setMultiFunction(true);
    assertEquals(0x1234_8086L, ecamRead(0, 3, 1, 0, AccessSize.DWORD));
  }

  @Test
  void ecamAndCf8ReachTheSameRegister() {
    ecamWrite(0, 3, 0, 0x3C, AccessSize.BYTE, 0x0A);
    outl(address(0, 3, 0, 0x3C));
    assertEquals(0x0A, readData(0, AccessSize.BYTE));
    writeData(0, AccessSize.BYTE, 0x05);
    assertEquals(0x05, ecamRead(0, 3, 0, 0x3C, AccessSize.BYTE));
    assertEquals(0x1041_1AF4L, ecamRead(0, 3, 0, 0, AccessSize.DWORD));
    assertEquals(0x1041, ecamRead(0, 3, 0, 2, AccessSize.WORD));
  }

  @Test
  void ecamRefusesQwordAndStraddling() {
    IoRegion r = ecam.mmioRegions().get(0);
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE, ecam.readMmio(r, 0, IoValue.forRead(AccessSize.QWORD)));
    assertEquals(IoStatus.UNALIGNED_ACCESS, ecam.readMmio(r, 3, IoValue.forRead(AccessSize.WORD)));
    assertEquals(256L << 20, r.length());
    assertEquals(0xB000_0000L, r.base());
  }

  @Test
  void barSizeProbing() {
    outl(address(0, 3, 0, 0x10));
    writeData(0, AccessSize.DWORD, 0xFFFF_FFFFL);
    assertEquals(0xFFFF_C00CL, readData(0, AccessSize.DWORD), "16 KiB, 64-bit, prefetchable");
    outl(address(0, 3, 0, 0x14));
    writeData(0, AccessSize.DWORD, 0xFFFF_FFFFL);
    assertEquals(0xFFFF_FFFFL, readData(0, AccessSize.DWORD), "upper half of a 64-bit BAR");
    outl(address(0, 3, 0, 0x18));
    writeData(0, AccessSize.DWORD, 0xFFFF_FFFFL);
    assertEquals(0xFFFF_FFE1L, readData(0, AccessSize.DWORD), "32 ports, I/O");
    ecamWrite(0, 3, 0, 0x10, AccessSize.DWORD, 0xFE00_0000L);
    ecamWrite(0, 3, 0, 0x14, AccessSize.DWORD, 0x1);
    assertEquals(0x1_FE00_0000L, nic.barAddress(0));
    ecamWrite(0, 3, 0, 0x18, AccessSize.DWORD, 0xC040);
    assertEquals(0xC040, nic.barAddress(2));
    outl(address(0, 3, 0, 0x1C));
    writeData(0, AccessSize.DWORD, 0xFFFF_FFFFL);
    assertEquals(0, readData(0, AccessSize.DWORD), "unimplemented BAR");
  }

  @Test
  void readOnlyFieldsStayReadOnly() {
    ecamWrite(0, 0, 0, 0x00, AccessSize.DWORD, 0x1234_5678L);
    ecamWrite(0, 0, 0, 0x08, AccessSize.DWORD, 0xFFFF_FFFFL);
    ecamWrite(0, 0, 0, 0x0C, AccessSize.DWORD, 0xFFFF_0000L);
    assertEquals(0x29C0_8086L, ecamRead(0, 0, 0, 0x00, AccessSize.DWORD));
    assertEquals(0x0600_0000L, ecamRead(0, 0, 0, 0x08, AccessSize.DWORD));
    assertEquals(0, ecamRead(0, 0, 0, 0x0E, AccessSize.BYTE), "header type 0, single function");
  }

  @Test
  void statusErrorBitsAreWriteOneToClear() {
    nic.setWord(PciConfigSpace.STATUS, 0x2010); // Received Master Abort + Capabilities List
    ecamWrite(0, 3, 0, 0x06, AccessSize.WORD, 0x2010);
    assertEquals(0x0010, ecamRead(0, 3, 0, 0x06, AccessSize.WORD));
  }

  @Test
  void capabilitiesAreLinked() {
    int first = nic.addCapability(0x05, 14);
    int second = nic.addCapability(0x11, 12);
    assertEquals(0x40, first);
    assertEquals(0x50, second);
    assertEquals(0x40, ecamRead(0, 3, 0, 0x34, AccessSize.BYTE));
    assertEquals(0x5005, ecamRead(0, 3, 0, 0x40, AccessSize.WORD));
    assertEquals(0x0011, ecamRead(0, 3, 0, 0x50, AccessSize.WORD));
    assertEquals(0x10, ecamRead(0, 3, 0, 0x06, AccessSize.WORD) & 0x10);
  }

  @Test
  void configAddressLeavesPort0xCf9ToTheResetControlRegister() {
    java.util.List<String> resets = new java.util.ArrayList<>();
    io.parasol.machine.io.ChipsetBus bus = new io.parasol.machine.io.ChipsetBus();
    bus.register(ports);
    bus.register(
        new io.parasol.paravisor.chipset.reset.ResetControlRegister(
            new io.parasol.paravisor.chipset.PowerControl() {
              @Override
              public void powerOff(String source) {}

              @Override
              public void reset(String source) {
                resets.add(source);
              }
            }));
    bus.writePort(0xCF8, new IoValue(AccessSize.DWORD, address(0, 0, 0, 0) & 0xFFFFFFFFL));
    IoValue v = IoValue.forRead(AccessSize.DWORD);
    bus.readPort(0xCFC, v);
    assertEquals(0x29C0_8086L, v.value());
    bus.writePort(0xCF9, new IoValue(AccessSize.BYTE, 0x06));
    assertEquals(1, resets.size());
  }

  @Test
  void duplicateRegistrationRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> root.registerDevice(0, 0, 0, new PciHostBridge()));
    assertThrows(IllegalArgumentException.class, () -> root.registerDevice(0, 32, 0, nic));
  }

  @Test
  void conventionalSpaceReadsZeroPastTheHeader() {
    root.registerDevice(0, 4, 0, new PciConfigSpace(0x8086, 1, 0, 0, 256));
    assertEquals(0, ecamRead(0, 4, 0, 0x100, AccessSize.DWORD));
  }
}
