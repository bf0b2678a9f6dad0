package io.parasol.paravisor.chipset.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.paravisor.chipset.PowerControl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ICH9 RST_CNT at 0xCF9: a 0→1 transition of RST_CPU resets; SYS_RST picks hard. */
class ResetControlRegisterTest {
  private final List<String> resets = new ArrayList<>();
  private final ResetControlRegister rc =
      new ResetControlRegister(
          new PowerControl() {
            @Override
            public void powerOff(String source) {
              throw new AssertionError();
            }

            @Override
            public void reset(String source) {
              resets.add(source);
            }
          });

  private void out(int value) {
    assertEquals(
        IoStatus.OK, rc.writePort(rc.portRegions().get(0), 0, new IoValue(AccessSize.BYTE, value)));
  }

  private int in() {
    IoValue v = IoValue.forRead(AccessSize.BYTE);
    rc.readPort(rc.portRegions().get(0), 0, v);
    return (int) v.value();
  }

  @Test
  void linuxRebootPciSequence() {
    out(0x02); // SYS_RST, no reset yet
    assertEquals(0x02, in());
    assertEquals(List.of(), resets);
    out(0x06); // RST_CPU 0 -> 1
    assertEquals(1, resets.size());
    assertEquals(true, resets.get(0).contains("hard"));
    assertEquals(0x06, in());
    out(0x06); // no transition
    assertEquals(1, resets.size());
  }

  @Test
  void directHardResetAndSoftReset() {
    out(0x06);
    out(0x00);
    out(0x04);
    assertEquals(2, resets.size());
    assertEquals(true, resets.get(1).contains("soft"));
    out(0xF0);
    assertEquals(0x00, in(), "only bits 1-3 are kept");
  }

  @Test
  void wideAccessRefused() {
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE,
        rc.writePort(rc.portRegions().get(0), 0, new IoValue(AccessSize.WORD, 6)));
    assertEquals(List.of(), resets);
  }
}
