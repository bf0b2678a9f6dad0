package io.parasol.paravisor.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.Partition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoValue;
import io.parasol.paravisor.acpi.AcpiTables;
import io.parasol.paravisor.acpi.AddressRange;
import io.parasol.paravisor.boot.BootImage;
import io.parasol.paravisor.boot.BootMeasurement;
import io.parasol.paravisor.chipset.ioapic.IoApic;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.virtio.VirtioMmioDevice;
import io.parasol.paravisor.virtio.VirtioPciFunction;
import io.parasol.paravisor.virtio.VirtioTransport;
import io.parasol.virtio.rng.VirtioRng;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link VirtualMachine.Builder#virtio}: functions on bus 0, BARs in the DSDT's window, INTx. */
class VirtualMachineVirtioTest {
  private static final BootImage NOTHING =
      new BootImage() {
        @Override
        public void load(Partition partition) {}

        @Override
        public List<BootMeasurement> measurements() {
          return List.of();
        }
      };

  private static int cfg(VirtualMachine vm, int device, int register, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    vm.bus().readMmio(PciEcam.DEFAULT_BASE + ((long) device << 15) + register, v);
    return (int) v.value();
  }

  @Test
  void virtioDevicesBecomeFunctionsWhoseBarsLieInTheHostBridgeWindow() throws Exception {
    VirtualMachine.Builder builder =
        VirtualMachine.builder().memorySize(64L << 20).partitions(HeapPartition::new).boot(NOTHING);
    for (int i = 0; i < 5; i++) {
      builder.virtio(new VirtioRng(new Random(i)));
    }
    try (VirtualMachine vm = builder.build()) {
      List<AddressRange> window =
          AcpiTables.builder()
              .partition(vm.partition().config())
              .ecam(PciEcam.DEFAULT_BASE, PciEcam.DEFAULT_BUS_COUNT)
              .pciMemory32();
      assertEquals(5, vm.virtioFunctions().size());
      int[] irqs = {17, 18, 19, 20, 21};
      IoRegion previous = null;
      for (int i = 0; i < 5; i++) {
        int device = 1 + i;
        assertEquals(0x1AF4, cfg(vm, device, 0, AccessSize.WORD));
        assertEquals(0x1044, cfg(vm, device, 2, AccessSize.WORD));
        assertEquals(irqs[i], cfg(vm, device, 0x3C, AccessSize.BYTE), "Interrupt Line: the GSI");
        assertEquals(0x2, cfg(vm, device, 0x04, AccessSize.WORD) & 0x2, "Memory Space on");
        IoRegion bar = vm.virtioFunctions().get(i).mappedBar();
        long low = Integer.toUnsignedLong(cfg(vm, device, 0x10, AccessSize.DWORD)) & ~0xFL;
        assertEquals(bar.base(), low);
        assertTrue(
            window.stream().anyMatch(w -> w.base() <= bar.base() && bar.end() <= w.end()),
            bar + " in " + window);
        assertEquals(0, bar.base() % VirtioPciFunction.BAR_SIZE, "naturally aligned");
        assertTrue(previous == null || !previous.overlaps(bar));
        previous = bar;
        IoValue queues = IoValue.forRead(AccessSize.WORD);
        vm.bus().readMmio(bar.base() + 0x12, queues);
        assertEquals(1, queues.value(), "num_queues through the bus");
      }
      assertEquals(0xFFFF, cfg(vm, 6, 0, AccessSize.WORD), "nothing at 00:06.0");
      // INTA# idles high on the active-low IOAPIC pins it uses: a level-low entry stays quiet.
      vm.bus().writeMmio(IoApic.DEFAULT_BASE, new IoValue(AccessSize.DWORD, 0x10 + 2 * 17));
      vm.bus()
          .writeMmio(
              IoApic.DEFAULT_BASE + 0x10, new IoValue(AccessSize.DWORD, 0x30 | 1 << 13 | 1 << 15));
      HeapPartition partition = (HeapPartition) vm.partition();
      assertFalse(partition.msis().stream().anyMatch(m -> m.vector() == 0x30));
    }
  }

  @Test
  void tooManyVirtioDevicesIsAClearError() {
    VirtualMachine.Builder builder =
        VirtualMachine.builder().memorySize(64L << 20).partitions(HeapPartition::new).boot(NOTHING);
    for (int i = 0; i < 31; i++) {
      builder.virtio(new VirtioRng());
    }
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains("at most 30 virtio devices"), e.getMessage());
  }

  @Test
  void withTheMmioTransportDevicesAreRegisterBlocksOnTheirOwnIoApicPins() throws Exception {
    VirtualMachine.Builder builder =
        VirtualMachine.builder()
            .memorySize(64L << 20)
            .partitions(HeapPartition::new)
            .boot(NOTHING)
            .virtioTransport(VirtioTransport.MMIO);
    for (int i = 0; i < 3; i++) {
      builder.virtio(new VirtioRng(new Random(i)));
    }
    try (VirtualMachine vm = builder.build()) {
      assertEquals(List.of(), vm.virtioFunctions());
      assertEquals(0xFFFF, cfg(vm, 1, 0, AccessSize.WORD), "nothing at 00:01.0");
      assertEquals(3, vm.virtioMmioDevices().size());
      for (int i = 0; i < 3; i++) {
        VirtioMmioDevice d = vm.virtioMmioDevices().get(i);
        long base = VirtualMachine.Builder.VIRTIO_MMIO_BASE + i * VirtioMmioDevice.REGION_LENGTH;
        assertEquals(base, d.region().base());
        IoValue magic = IoValue.forRead(AccessSize.DWORD);
        vm.bus().readMmio(base, magic);
        assertEquals(VirtioMmioDevice.MAGIC_VALUE, (int) magic.value(), "through the bus");
      }
      // Device 1's line is GSI 17, level-triggered and active high: program the entry, raise
      // the line with a configuration change, and the IOAPIC sends its vector.
      vm.bus().writeMmio(IoApic.DEFAULT_BASE, new IoValue(AccessSize.DWORD, 0x10 + 2 * 17));
      vm.bus().writeMmio(IoApic.DEFAULT_BASE + 0x10, new IoValue(AccessSize.DWORD, 0x31 | 1 << 15));
      vm.virtioMmioDevices().get(1).signalConfigChange();
      HeapPartition partition = (HeapPartition) vm.partition();
      assertTrue(partition.msis().stream().anyMatch(m -> m.vector() == 0x31), "GSI 17 fired");
    }
  }

  @Test
  void moreThanEightVirtioMmioDevicesIsAClearError() {
    VirtualMachine.Builder builder =
        VirtualMachine.builder()
            .memorySize(64L << 20)
            .partitions(HeapPartition::new)
            .boot(NOTHING)
            .virtioTransport(VirtioTransport.MMIO);
    for (int i = 0; i < 9; i++) {
      builder.virtio(new VirtioRng());
    }
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains("at most 8 virtio-mmio devices"), e.getMessage());
  }
}
