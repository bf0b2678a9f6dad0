package io.parasol.paravisor.chipset.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.time.ManualTimeSource;
import io.parasol.paravisor.chipset.PowerControl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ACPI 6.5 §4.8.3 PM1 event/control registers and the PM timer, in QEMU's 0x600 layout. */
class AcpiPmBlockTest {
  private final ManualTimeSource time = new ManualTimeSource();
  private final List<String> powerOffs = new ArrayList<>();
  private boolean sci;
  private final AcpiPmBlock pm =
      new AcpiPmBlock(
          AcpiPmBlock.DEFAULT_BASE_PORT,
          time,
          level -> sci = level,
          new PowerControl() {
            @Override
            public void powerOff(String source) {
              powerOffs.add(source);
            }

            @Override
            public void reset(String source) {
              throw new AssertionError();
            }
          });

  private IoRegion region(int port) {
    for (IoRegion r : pm.portRegions()) {
      if (r.contains(port)) {
        return r;
      }
    }
    throw new AssertionError("no region for port " + port);
  }

  private long in(int port, AccessSize size) {
    IoRegion r = region(port);
    IoValue v = IoValue.forRead(size);
    assertEquals(IoStatus.OK, pm.readPort(r, (int) (port - r.base()), v));
    return v.value();
  }

  private void out(int port, AccessSize size, long value) {
    IoRegion r = region(port);
    assertEquals(IoStatus.OK, pm.writePort(r, (int) (port - r.base()), new IoValue(size, value)));
  }

  @Test
  void layoutAtPort0x600() {
    assertEquals(
        List.of(0x600L, 0x604L, 0x608L), pm.portRegions().stream().map(IoRegion::base).toList());
    assertEquals(List.of(4L, 2L, 4L), pm.portRegions().stream().map(IoRegion::length).toList());
  }

  @Test
  void pmTimerRunsAt3579545HzAndWraps24Bits() {
    assertEquals(0, in(0x608, AccessSize.DWORD));
    time.advance(1_000_000_000L);
    assertEquals(3_579_545L, in(0x608, AccessSize.DWORD));
    time.advance(4_000_000_000L); // 5 s = 17,897,725 ticks > 2^24
    assertEquals(17_897_725L & 0xFFFFFF, in(0x608, AccessSize.DWORD));
  }

  @Test
  void sciEnIsAlwaysOneAndSlpEnReadsZero() {
    assertEquals(1, in(0x604, AccessSize.WORD));
    out(0x604, AccessSize.WORD, 0x0000);
    assertEquals(1, in(0x604, AccessSize.WORD) & 1);
    out(0x604, AccessSize.WORD, 5 << 10); // SLP_TYP without SLP_EN
    assertEquals(1 | 5 << 10, in(0x604, AccessSize.WORD));
    assertEquals(List.of(), powerOffs);
  }

  @Test
  void slpEnWithS5PowersOff() {
    out(0x604, AccessSize.WORD, AcpiPmBlock.S5_SLP_TYP << 10 | AcpiPmBlock.SLP_EN);
    assertEquals(1, powerOffs.size());
    out(0x604, AccessSize.WORD, 1 << 10 | AcpiPmBlock.SLP_EN); // S3-like: unsupported
    assertEquals(1, powerOffs.size());
    out(0x605, AccessSize.BYTE, (AcpiPmBlock.S5_SLP_TYP << 2) | 0x20); // high byte alone
    assertEquals(2, powerOffs.size());
  }

  @Test
  void powerButtonRaisesSciWhenEnabledAndIsWriteOneToClear() {
    pm.pressPowerButton();
    assertEquals(AcpiPmBlock.PWRBTN_STS, in(0x600, AccessSize.WORD) & AcpiPmBlock.PWRBTN_STS);
    assertFalse(sci, "PWRBTN_EN clear");
    out(0x602, AccessSize.WORD, 1 << 8); // PWRBTN_EN
    assertTrue(sci);
    out(0x600, AccessSize.WORD, 0x0001); // clearing another bit leaves PWRBTN_STS
    assertTrue(sci);
    out(0x600, AccessSize.WORD, AcpiPmBlock.PWRBTN_STS);
    assertFalse(sci);
    assertEquals(0, in(0x600, AccessSize.WORD) & AcpiPmBlock.PWRBTN_STS);
    assertEquals(1 << 8, in(0x602, AccessSize.WORD));
    assertEquals((1L << 8) << 16, in(0x600, AccessSize.DWORD));
  }

  @Test
  void timerOverflowSetsTmrStsAtBit23Toggle() {
    long toggleNanos = (1L << 23) * 1_000_000_000L / AcpiPmBlock.PM_TIMER_HZ + 1; // ~2.34 s
    out(0x602, AccessSize.WORD, 1); // TMR_EN
    time.advance(toggleNanos - 2);
    assertFalse(sci);
    assertEquals(0, in(0x600, AccessSize.WORD) & 1);
    time.advance(2);
    assertTrue(sci);
    assertEquals(1, in(0x600, AccessSize.WORD) & 1);
    out(0x600, AccessSize.BYTE, 1);
    assertFalse(sci);
    time.advance(toggleNanos);
    assertTrue(sci, "the next toggle (bit 23 back to 0) sets it again");
  }

  @Test
  void accessesPastTheBlockAreRefused() {
    IoRegion cnt = region(0x604);
    assertEquals(IoStatus.UNALIGNED_ACCESS, pm.readPort(cnt, 0, IoValue.forRead(AccessSize.DWORD)));
  }
}
