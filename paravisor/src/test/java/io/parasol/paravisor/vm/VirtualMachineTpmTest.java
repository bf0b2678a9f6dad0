package io.parasol.paravisor.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.Partition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoValue;
import io.parasol.paravisor.acpi.GuestAcpiTables;
import io.parasol.paravisor.boot.BootImage;
import io.parasol.paravisor.boot.BootMeasurement;
import io.parasol.paravisor.tpm.TpmCrb;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.eventlog.TcgEventType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link VirtualMachine.Builder#tpm}: the CRB on the bus, the TPM2 table in RAM, power-on. */
class VirtualMachineTpmTest {
  private static VirtualMachine.Builder builder() {
    return VirtualMachine.builder()
        .memorySize(64L << 20)
        .partitions(HeapPartition::new)
        .boot(NOTHING); // nothing runs: the test plays the guest through the bus
  }

  /** A boot image that loads nothing and measures one blob into PCR 4. */
  private static final BootImage NOTHING =
      new BootImage() {
        @Override
        public void load(Partition partition) {}

        @Override
        public List<BootMeasurement> measurements() {
          return List.of(BootMeasurement.ofData(4, TcgEventType.EV_IPL, new byte[] {1, 2, 3}));
        }
      };

  /** The XSDT's table signatures, read back from guest RAM as the guest finds them. */
  private static String xsdtSignatures(VirtualMachine vm) throws Exception {
    return String.join(" ", GuestAcpiTables.read(vm.partition().memory()).keySet());
  }

  @Test
  void aVmWithATpmHasTheCrbAndTheTpm2TableAndAPoweredTpm() throws Exception {
    Tpm tpm = Tpm.create();
    try (VirtualMachine vm = builder().tpm(tpm, tpm).build()) {
      assertTrue(tpm.isPoweredOn(), "building the VM is the TPM's _TPM_Init");
      assertTrue(vm.tpmCrb().isPresent());
      IoValue id = IoValue.forRead(AccessSize.DWORD);
      vm.bus().readMmio(TpmCrb.DEFAULT_BASE + 0x30, id);
      assertEquals(0x4011, id.value() & 0x40FF, "CRB interface ID through the bus");
      assertEquals("FACP APIC MCFG TPM2", xsdtSignatures(vm));

      // Guest-side flow through the bus: locality, ready, TPM2_GetRandom(8), START. The TPM is
      // already started: Parasol sent TPM2_Startup(CLEAR) for its measured boot.
      vm.bus().writeMmio(TpmCrb.DEFAULT_BASE + 0x08, new IoValue(AccessSize.DWORD, 1));
      vm.bus().writeMmio(TpmCrb.DEFAULT_BASE + 0x40, new IoValue(AccessSize.DWORD, 1));
      byte[] startup = {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7B, 0, 8};
      for (int i = 0; i < startup.length; i++) {
        vm.bus()
            .writeMmio(
                TpmCrb.DEFAULT_BASE + 0x80 + i, new IoValue(AccessSize.BYTE, startup[i] & 0xFF));
      }
      vm.bus().writeMmio(TpmCrb.DEFAULT_BASE + 0x4C, new IoValue(AccessSize.DWORD, 1));
      IoValue start = IoValue.forRead(AccessSize.DWORD);
      long deadline = System.nanoTime() + 10_000_000_000L;
      do {
        Thread.onSpinWait();
        vm.bus().readMmio(TpmCrb.DEFAULT_BASE + 0x4C, start);
      } while (start.value() != 0 && System.nanoTime() < deadline);
      assertEquals(0, start.value(), "the command completed on the CRB's thread");
      byte[] response = new byte[10];
      for (int i = 0; i < response.length; i++) {
        IoValue b = IoValue.forRead(AccessSize.BYTE);
        vm.bus().readMmio(TpmCrb.DEFAULT_BASE + 0x80 + i, b);
        response[i] = (byte) b.value();
      }
      assertArrayEquals(new byte[] {(byte) 0x80, 1, 0, 0, 0, 20, 0, 0, 0, 0}, response);
    }
  }

  @Test
  void aVmWithoutATpmHasNeither() throws Exception {
    try (VirtualMachine vm = builder().build()) {
      assertFalse(vm.tpmCrb().isPresent());
      assertEquals("FACP APIC MCFG", xsdtSignatures(vm));
      IoValue v = IoValue.forRead(AccessSize.DWORD);
      vm.bus().readMmio(TpmCrb.DEFAULT_BASE + 0x30, v);
      assertEquals(0xFFFF_FFFFL, v.value(), "nothing decodes the TPM page");
    }
  }
}
