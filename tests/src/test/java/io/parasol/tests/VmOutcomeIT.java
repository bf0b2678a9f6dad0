package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.paravisor.boot.FlatBinaryImage;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmOutcome;
import io.parasol.paravisor.vm.VmResult;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How a VM ends when the guest faults or the host stops it, with tiny hand-made guests. */
@Tag("kvm")
class VmOutcomeIT {
  private static VirtualMachine vm(byte... code) throws Exception {
    KvmRequired.assume();
    return VirtualMachine.builder()
        .memorySize(16L << 20)
        .boot(new FlatBinaryImage("inline", code, FlatBinaryImage.DEFAULT_LOAD_ADDRESS, 0))
        .build();
  }

  @Test
  void anExceptionWithNoIdtIsATripleFaultWithTheRegisters() throws Exception {
    // ud2: #UD with the reset IDT (limit 0xFFFF at base 0, all zero) escalates to a shutdown.
    try (VirtualMachine vm = vm((byte) 0x0F, (byte) 0x0B)) {
      VmResult result = vm.run();
      assertEquals(VmOutcome.TRIPLE_FAULT, result.outcome(), result::toString);
      assertTrue(result.detail().contains("rip="), result::toString);
    }
  }

  @Test
  void theHostStopsAHaltedGuestPromptly() throws Exception {
    // cli; hlt; jmp -3: asleep in the kernel with interrupts off.
    try (VirtualMachine vm = vm((byte) 0xFA, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD)) {
      vm.start();
      assertTrue(vm.await(Duration.ofMillis(300)).isEmpty(), "the guest sleeps until stopped");
      VmResult result = vm.stop("test");
      assertEquals(VmOutcome.STOPPED, result.outcome());
    }
  }
}
