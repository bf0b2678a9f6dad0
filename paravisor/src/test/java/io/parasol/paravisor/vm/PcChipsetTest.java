package io.parasol.paravisor.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.time.ManualTimeSource;
import io.parasol.paravisor.pci.PciEcam;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class PcChipsetTest {
  private static PcChipset chipset(ChipsetBus bus, PartitionConfig config) {
    return new PcChipset(
        bus,
        new HeapPartition(config),
        new VmLifecycle(),
        new ManualTimeSource(),
        InstantSource.system(),
        null);
  }

  @Test
  void theDefaultHoleLeavesTheEcamWindowToMmio() {
    assertTrue(PartitionConfig.DEFAULT_MMIO_HOLE_START <= PciEcam.DEFAULT_BASE);
    ChipsetBus bus = new ChipsetBus();
    chipset(bus, new PartitionConfig(16L << 20, 1));
    IoValue vendorDevice = IoValue.forRead(AccessSize.DWORD);
    bus.readMmio(PciEcam.DEFAULT_BASE, vendorDevice);
    assertEquals(0x29C0_8086L, vendorDevice.value(), "host bridge 00:00.0 through ECAM");
  }

  @Test
  void aHoleAboveTheEcamWindowIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> chipset(new ChipsetBus(), new PartitionConfig(16L << 20, 1, 0xC000_0000L)));
    assertTrue(e.getMessage().contains("ECAM"), e.getMessage());
  }

  @Test
  void isaIrq0ReachesIoApicPin2AndOtherIrqsTheirOwnPin() {
    assertEquals(2, PcChipset.ioApicPin(0));
    assertEquals(8, PcChipset.ioApicPin(8));
  }
}
