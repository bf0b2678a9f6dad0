package io.parasol.machine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChipsetBusTest {
  /** Records accesses; reads return base + offset. */
  static class Recorder implements PortIoDevice, MmioDevice {
    final List<IoRegion> regions;
    final List<String> log = new ArrayList<>();
    IoStatus status = IoStatus.OK;

    Recorder(IoRegion... regions) {
      this.regions = List.of(regions);
    }

    @Override
    public List<IoRegion> portRegions() {
      return regions;
    }

    @Override
    public List<IoRegion> mmioRegions() {
      return regions;
    }

    @Override
    public IoStatus readPort(IoRegion region, int offset, IoData data) {
      log.add("r " + region.name() + " " + offset + " " + data.size());
      data.setValue(0x1000 + offset);
      return status;
    }

    @Override
    public IoStatus writePort(IoRegion region, int offset, IoData data) {
      log.add("w " + region.name() + " " + offset + " " + Long.toHexString(data.value()));
      return status;
    }

    @Override
    public IoStatus readMmio(IoRegion region, long offset, IoData data) {
      log.add("r " + region.name() + " " + offset + " " + data.size());
      data.setValue(0x2000 + offset);
      return status;
    }

    @Override
    public IoStatus writeMmio(IoRegion region, long offset, IoData data) {
      log.add("w " + region.name() + " " + offset + " " + Long.toHexString(data.value()));
      return status;
    }
  }

  @Test
  void portAccessReachesTheDeviceWithAnOffsetInsideItsRegion() {
    ChipsetBus bus = new ChipsetBus();
    Recorder com1 = new Recorder(new IoRegion("com1", 0x3F8, 8));
    bus.register((PortIoDevice) com1);
    IoValue data = IoValue.forRead(AccessSize.BYTE);
    bus.readPort(0x3FD, data);
    assertEquals(0x1005, data.value() | 0x1000, "value set by the device, masked to a byte");
    assertEquals(0x05, data.value());
    bus.writePort(0x3F8, new IoValue(AccessSize.BYTE, 0x41));
    assertEquals(List.of("r com1 5 BYTE", "w com1 0 41"), com1.log);
  }

  @Test
  void unclaimedReadIsAllOnesAtTheAccessWidthAndCounted() {
    ChipsetBus bus = new ChipsetBus();
    IoValue data = IoValue.forRead(AccessSize.WORD);
    bus.readPort(0x1234, data);
    assertEquals(0xFFFF, data.value());
    IoValue mmio = IoValue.forRead(AccessSize.QWORD);
    bus.readMmio(0xFED0_0000L, mmio);
    assertEquals(-1L, mmio.value());
    assertEquals(2, bus.unclaimedReads());
  }

  @Test
  void unclaimedWriteIsDroppedAndCounted() {
    ChipsetBus bus = new ChipsetBus();
    bus.writePort(0x80, new IoValue(AccessSize.BYTE, 1));
    bus.writeMmio(0x1000, new IoValue(AccessSize.DWORD, 1));
    assertEquals(2, bus.unclaimedWrites());
    assertEquals(0, bus.unclaimedReads());
  }

  @Test
  void overlappingRegionsAreRejectedAndNothingIsRegistered() {
    ChipsetBus bus = new ChipsetBus();
    bus.register((PortIoDevice) new Recorder(new IoRegion("pic", 0x20, 2)));
    Recorder clash = new Recorder(new IoRegion("ok", 0x60, 1), new IoRegion("bad", 0x21, 4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> bus.register((PortIoDevice) clash));
    assertTrue(e.getMessage().contains("pic"), e.getMessage());
    assertFalse(bus.claimsPort(0x60), "a failed registration leaves no region behind");

    bus.register((MmioDevice) new Recorder(new IoRegion("ioapic", 0xFEC0_0000L, 0x1000)));
    assertThrows(
        IllegalArgumentException.class,
        () -> bus.register((MmioDevice) new Recorder(new IoRegion("x", 0xFEC0_0FFFL, 2))));
  }

  @Test
  void portRegionPastFfffIsRejected() {
    ChipsetBus bus = new ChipsetBus();
    assertThrows(
        IllegalArgumentException.class,
        () -> bus.register((PortIoDevice) new Recorder(new IoRegion("x", 0xFFFF, 2))));
  }

  @Test
  void mmioLookupFindsEachOfManyRegionsAndNotTheGaps() {
    ChipsetBus bus = new ChipsetBus();
    List<Recorder> devices = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Recorder r = new Recorder(new IoRegion("d" + i, 0x1000L * (2 * i + 1), 0x1000));
      devices.add(r);
      bus.register((MmioDevice) r);
    }
    for (int i = 0; i < 20; i++) {
      IoValue data = IoValue.forRead(AccessSize.DWORD);
      bus.readMmio(0x1000L * (2 * i + 1) + 0xFFC, data);
      assertEquals(0x2000 + 0xFFC, data.value());
      assertEquals(List.of("r d" + i + " 4092 DWORD"), devices.get(i).log);
      assertFalse(bus.claimsMmio(0x1000L * (2 * i)), "gap below d" + i);
    }
  }

  @Test
  void refusedReadReturnsAllOnesAndIsCounted() {
    ChipsetBus bus = new ChipsetBus();
    Recorder dev = new Recorder(new IoRegion("dev", 0x500, 4));
    dev.status = IoStatus.INVALID_ACCESS_SIZE;
    bus.register((PortIoDevice) dev);
    IoValue data = IoValue.forRead(AccessSize.DWORD);
    bus.readPort(0x500, data);
    assertEquals(0xFFFF_FFFFL, data.value());
    assertEquals(1, bus.refusedAccesses());
  }

  @Test
  void aDeviceThatThrowsIsContainedAndCounted() {
    ChipsetBus bus = new ChipsetBus();
    PortIoDevice broken =
        new Recorder(new IoRegion("broken", 0x510, 1)) {
          @Override
          public IoStatus readPort(IoRegion region, int offset, IoData data) {
            throw new IllegalStateException("bug");
          }
        };
    bus.register(broken);
    IoValue data = IoValue.forRead(AccessSize.BYTE);
    bus.readPort(0x510, data);
    assertEquals(0xFF, data.value());
    assertEquals(1, bus.deviceFaults());
  }

  @Test
  void unregisterFreesTheRegions() {
    ChipsetBus bus = new ChipsetBus();
    Recorder dev = new Recorder(new IoRegion("bar", 0xE000_0000L, 0x100));
    bus.register((MmioDevice) dev);
    bus.unregister((MmioDevice) dev);
    assertFalse(bus.claimsMmio(0xE000_0000L));
    bus.register((MmioDevice) new Recorder(new IoRegion("again", 0xE000_0000L, 0x100)));
    assertTrue(bus.claimsMmio(0xE000_00FFL));
  }

  @Test
  void regionListingsNameEveryClaimedRegionInAddressOrder() {
    ChipsetBus bus = new ChipsetBus();
    assertEquals(List.of(), bus.portRegions());
    assertEquals(List.of(), bus.mmioRegions());
    IoRegion com1 = new IoRegion("com1", 0x3F8, 8);
    IoRegion pic = new IoRegion("pic", 0x20, 2);
    IoRegion adjacent = new IoRegion("adjacent", 0x22, 1);
    bus.register((PortIoDevice) new Recorder(com1, pic));
    bus.register((PortIoDevice) new Recorder(adjacent));
    assertEquals(List.of(pic, adjacent, com1), bus.portRegions());

    IoRegion ioapic = new IoRegion("ioapic", 0xFEC0_0000L, 0x1000);
    IoRegion ecam = new IoRegion("ecam", 0xB000_0000L, 0x1000_0000L);
    bus.register((MmioDevice) new Recorder(ioapic));
    Recorder ecamDevice = new Recorder(ecam);
    bus.register((MmioDevice) ecamDevice);
    assertEquals(List.of(ecam, ioapic), bus.mmioRegions());

    bus.unregister((MmioDevice) ecamDevice);
    assertEquals(List.of(ioapic), bus.mmioRegions());
    assertThrows(UnsupportedOperationException.class, () -> bus.portRegions().clear());
  }

  @Test
  void accessSizeMasksAndValidity() {
    assertEquals(0xFF, AccessSize.BYTE.mask());
    assertEquals(0xFFFF_FFFFL, AccessSize.DWORD.mask());
    assertEquals(-1L, AccessSize.QWORD.allOnes());
    assertFalse(AccessSize.isValid(3));
    assertEquals(AccessSize.WORD, AccessSize.ofBytes(2));
    assertThrows(IllegalArgumentException.class, () -> AccessSize.ofBytes(16));
    assertEquals(0x34, new IoValue(AccessSize.BYTE, 0x1234).value());
  }
}
