package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.paravisor.vm.VmOutcome;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real guest code on KVM driving Parasol's chipset: each test boots one purpose-built guest ({@code
 * src/test/guests}) and asserts what the guest reported over COM1 and how the VM ended.
 */
@Tag("kvm")
class ChipsetGuestIT {
  @Test
  void uartCarriesEveryPrintableByteAndTheScratchRegister() throws Exception {
    GuestRun run = GuestRun.run("serial");
    StringBuilder printable = new StringBuilder();
    for (char c = 0x20; c <= 0x7E; c++) {
      printable.append(c);
    }
    String expected =
        "SERIAL start\nLCR ok\nDLAB ok divisor=1\nSCR ok\n"
            + printable
            + "\r\n"
            + "SERIAL end\nDONE\n";
    assertEquals(expected, run.console(), run::toString);
    assertEquals(VmOutcome.POWERED_OFF, run.result().outcome(), run::toString);
    assertEquals(0, run.deviceFaults());
  }

  @Test
  void rtcReportsTheInjectedWallClockInBcd() throws Exception {
    InstantSource clock = InstantSource.fixed(Instant.parse("2031-07-09T23:59:58Z"));
    GuestRun run = GuestRun.run("rtc", clock);
    List<String> lines = run.lines();
    assertTrue(lines.contains("RTC 2031-07-09 23:59:58"), run::toString);
    Matcher status =
        Pattern.compile("RTC status A=(\\p{XDigit}{2}) B=(\\p{XDigit}{2}) C=.. D=(\\p{XDigit}{2})")
            .matcher(run.console());
    assertTrue(status.find(), run::toString);
    assertEquals(0x26, Integer.parseInt(status.group(1), 16) & 0x7F, "divider 010, rate 0110");
    assertEquals(0, Integer.parseInt(status.group(2), 16) & 0x04, "BCD mode (DM=0)");
    assertEquals(0x80, Integer.parseInt(status.group(3), 16), "VRT set");
    assertEquals("DONE", lines.getLast(), run::toString);
    assertEquals(VmOutcome.POWERED_OFF, run.result().outcome());
  }

  @Test
  void pciWalkFindsOnlyTheHostBridge() throws Exception {
    GuestRun run = GuestRun.run("pci");
    List<String> lines = run.lines();
    assertTrue(lines.contains("PCI 00:00.0 8086:29c0 class 060000"), run::toString);
    assertTrue(lines.contains("PCI functions=1"), run::toString);
    assertEquals("DONE", lines.getLast(), run::toString);
  }

  @Test
  void guestReceivesPitInterruptsThroughThePicAndRtcInterruptsThroughTheIoApic() throws Exception {
    GuestRun run = GuestRun.run("interrupts");
    Matcher pit = Pattern.compile("PIT-IRQ ok count=(\\d+)").matcher(run.console());
    assertTrue(pit.find(), run::toString);
    assertTrue(Integer.parseInt(pit.group(1)) >= 3, run::toString);
    assertTrue(run.console().contains("ioapic-version=20 ioapic-pins=24"), run::toString);
    Matcher rtc = Pattern.compile("RTC-IRQ ok count=(\\d+)").matcher(run.console());
    assertTrue(rtc.find(), run::toString);
    assertTrue(Integer.parseInt(rtc.group(1)) >= 2, run::toString);
    assertEquals("DONE", run.lines().getLast(), run::toString);
    assertEquals(VmOutcome.POWERED_OFF, run.result().outcome(), run::toString);
  }

  @Test
  void acpiS5EndsTheVmAsPoweredOff() throws Exception {
    GuestRun run = GuestRun.run("poweroff");
    assertEquals(List.of("POWEROFF via ACPI S5 pm1a_cnt=2000"), run.lines(), run::toString);
    assertEquals(VmOutcome.POWERED_OFF, run.result().outcome(), run::toString);
    assertTrue(run.result().source().contains("S5"), run.result()::toString);
  }

  @Test
  void i8042ResetLineEndsTheVmAsReset() throws Exception {
    GuestRun run = GuestRun.run("reset-i8042");
    assertEquals(List.of("RESET-I8042 requesting reset"), run.lines(), run::toString);
    assertEquals(VmOutcome.RESET, run.result().outcome(), run::toString);
    assertTrue(run.result().source().contains("i8042"), run.result()::toString);
  }

  @Test
  void port0xCf9EndsTheVmAsReset() throws Exception {
    GuestRun run = GuestRun.run("reset-cf9");
    assertEquals(List.of("RESET-CF9 requesting reset"), run.lines(), run::toString);
    assertEquals(VmOutcome.RESET, run.result().outcome(), run::toString);
    assertTrue(run.result().source().toLowerCase().contains("cf9"), run.result()::toString);
  }
}
