package io.parasol.paravisor.chipset.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.time.ManualTimeSource;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Behaviour from the MC146818A datasheet and the PC CMOS layout. */
class CmosRtcTest {
  /** Thursday 2024-02-29 23:59:58 UTC. */
  private static final Instant START = Instant.parse("2024-02-29T23:59:58Z");

  private final ManualTimeSource time = new ManualTimeSource();
  private int risingEdges;
  private boolean level;
  private CmosRtc rtc = make(START);

  private CmosRtc make(Instant start) {
    // The wall clock moves with the manual monotonic clock, as a real host's would.
    InstantSource wall = () -> start.plusNanos(time.nanoTime());
    return new CmosRtc(
        time,
        wall,
        ZoneOffset.UTC,
        asserted -> {
          if (asserted && !level) {
            risingEdges++;
          }
          level = asserted;
        });
  }

  private IoRegion region() {
    return rtc.portRegions().get(0);
  }

  private void out(int offset, int value) {
    assertEquals(IoStatus.OK, rtc.writePort(region(), offset, new IoValue(AccessSize.BYTE, value)));
  }

  private int in(int offset) {
    IoValue v = IoValue.forRead(AccessSize.BYTE);
    assertEquals(IoStatus.OK, rtc.readPort(region(), offset, v));
    return (int) v.value();
  }

  private int read(int reg) {
    out(0, reg);
    return in(1);
  }

  private void write(int reg, int value) {
    out(0, reg);
    out(1, value);
  }

  @Test
  void bcdEncodingOfKnownInstant() {
    assertEquals(0x58, read(0x00));
    assertEquals(0x59, read(0x02));
    assertEquals(0x23, read(0x04));
    assertEquals(5, read(0x06), "Thursday; 1 = Sunday");
    assertEquals(0x29, read(0x07));
    assertEquals(0x02, read(0x08));
    assertEquals(0x24, read(0x09));
    assertEquals(0x20, read(0x32));
  }

  @Test
  void binaryEncodingOfKnownInstant() {
    write(0x0B, 0x06); // DM = binary, 24-hour
    assertEquals(58, read(0x00));
    assertEquals(59, read(0x02));
    assertEquals(23, read(0x04));
    assertEquals(29, read(0x07));
    assertEquals(2, read(0x08));
    assertEquals(24, read(0x09));
    assertEquals(20, read(0x32));
  }

  @Test
  void secondsRollIntoNextDayAndMonth() {
    time.advance(2_000_000_000L);
    assertEquals(0x00, read(0x00));
    assertEquals(0x00, read(0x04));
    assertEquals(0x01, read(0x07));
    assertEquals(0x03, read(0x08));
    assertEquals(6, read(0x06), "Friday");
  }

  @Test
  void twelveHourModeEdgeCases() {
    int[][] cases = {
      {0, 0x12}, // 12 AM
      {1, 0x01},
      {11, 0x11},
      {12, 0x92}, // 12 PM
      {13, 0x81},
      {23, 0x91},
    };
    for (int[] c : cases) {
      rtc = make(Instant.parse("2024-01-01T00:30:00Z").plusSeconds(3600L * c[0]));
      write(0x0B, 0x00); // 12-hour, BCD
      assertEquals(c[1], read(0x04), "hour " + c[0]);
    }
    rtc = make(Instant.parse("2024-01-01T12:30:00Z"));
    write(0x0B, 0x04); // 12-hour, binary
    assertEquals(0x80 | 12, read(0x04));
  }

  @Test
  void uipSetOnlyInWindowBeforeUpdate() {
    // START is on a whole second: the next update is 1 s away.
    assertEquals(0, read(0x0A) & 0x80);
    time.advance(1_000_000_000L - CmosRtc.UIP_WINDOW_NANOS - 1);
    assertEquals(0, read(0x0A) & 0x80);
    time.advance(1);
    assertEquals(0x80, read(0x0A) & 0x80);
    time.advance(CmosRtc.UIP_WINDOW_NANOS - 1);
    assertEquals(0x80, read(0x0A) & 0x80);
    time.advance(1);
    assertEquals(0, read(0x0A) & 0x80);
    assertEquals(0x26, read(0x0A), "DV = 010, RS = 0110 as the firmware leaves it");
  }

  @Test
  void registerCClearsOnReadAndDropsIrq() {
    write(0x0B, 0x12); // UIE, 24-hour
    time.advance(1_000_000_000L);
    assertTrue(level);
    assertEquals(0x90, read(0x0C) & 0xB0, "IRQF | UF (PF runs too, masked)");
    assertFalse(level);
    assertEquals(0x00, read(0x0C));
  }

  @Test
  void flagsAreSetEvenWhenInterruptsAreDisabled() {
    time.advance(1_000_000_000L);
    assertEquals(0x50, read(0x0C), "UF and PF, no IRQF");
    assertEquals(0, risingEdges);
  }

  @Test
  void periodicRateForRateSelect() {
    double[] expected = {
      0,
      3_906_250,
      7_812_500,
      122_070.3125,
      244_140.625,
      488_281.25,
      976_562.5,
      1_953_125,
      3_906_250,
      7_812_500,
      15_625_000,
      31_250_000,
      62_500_000,
      125_000_000,
      250_000_000,
      500_000_000
    };
    for (int rs = 0; rs < 16; rs++) {
      write(0x0A, 0x20 | rs);
      assertEquals(expected[rs], rtc.periodicPeriodNanos(), 1e-6, "RS " + rs);
    }
  }

  @Test
  void periodicInterruptEveryPeriod() {
    write(0x0A, 0x2F); // 2 Hz
    read(0x0C);
    write(0x0B, 0x42); // PIE
    time.advance(499_999_999L);
    assertFalse(level);
    time.advance(1);
    assertTrue(level);
    assertEquals(0xC0, read(0x0C) & 0xC0);
    time.advance(499_999_999L);
    assertFalse(level);
    time.advance(1);
    assertTrue(level);
    assertEquals(2, risingEdges);
  }

  @Test
  void periodicAt1024HzCountsEdges() {
    read(0x0C);
    write(0x0B, 0x42); // PIE, RS 6 = 1024 Hz
    for (int i = 0; i < 1024; i++) {
      time.advance(976_563L);
      read(0x0C);
    }
    assertEquals(1024, risingEdges);
  }

  @Test
  void alarmWithDontCareHoursAndMinutes() {
    write(0x01, 0x30); // seconds alarm 30
    write(0x03, 0xC0); // don't care
    write(0x05, 0xFF); // don't care
    read(0x0C);
    write(0x0B, 0x22); // AIE
    time.advance(31_999_999_999L); // 00:00:29.999...
    assertFalse(level);
    time.advance(1);
    assertTrue(level);
    assertEquals(0xA0, read(0x0C) & 0xA0, "IRQF | AF");
    time.advance(59_000_000_000L);
    assertFalse(level);
    time.advance(1_000_000_000L);
    assertTrue(level, "every minute at :30");
  }

  @Test
  void alarmWithFullTimeMatchesOnce() {
    write(0x01, 0x02);
    write(0x03, 0x00);
    write(0x05, 0x00); // 00:00:02, 4 s after START
    write(0x0B, 0x22);
    time.advance(3_999_999_999L);
    assertEquals(0, risingEdges);
    time.advance(1);
    assertEquals(1, risingEdges);
    read(0x0C);
    time.advance(3_600_000_000_000L);
    assertEquals(1, risingEdges);
  }

  @Test
  void updateInterruptOncePerSecond() {
    write(0x0B, 0x12);
    for (int i = 0; i < 5; i++) {
      time.advance(500_000_000L);
      time.advance(500_000_000L);
      assertTrue(level);
      assertEquals(0x90, read(0x0C) & 0x90); // AF may be set too: alarm 00:00:00 passes
    }
    assertEquals(5, risingEdges);
  }

  @Test
  void setBitFreezesAndWritesChangeTheTime() {
    write(0x0B, 0x92); // SET with UIE: SET clears UIE
    assertEquals(0x82, read(0x0B));
    time.advance(10_000_000_000L);
    assertEquals(0x58, read(0x00), "no updates while SET");
    write(0x00, 0x10);
    write(0x02, 0x20);
    write(0x04, 0x05);
    write(0x07, 0x15);
    write(0x08, 0x06);
    write(0x09, 0x25);
    write(0x0B, 0x02);
    assertEquals(0x10, read(0x00));
    assertEquals(0x05, read(0x04));
    assertEquals(0x25, read(0x09));
    assertEquals(1, read(0x06), "2025-06-15 is a Sunday");
    time.advance(1_000_000_000L);
    assertEquals(0x11, read(0x00));
  }

  @Test
  void writeWhileRunningMovesClock() {
    write(0x09, 0x30);
    assertEquals(0x30, read(0x09));
    assertEquals(0x58, read(0x00));
  }

  @Test
  void dividerResetStopsClockAndFirstUpdateIsHalfASecondLater() {
    write(0x0A, 0x76); // DV = 111: divider reset
    time.advance(5_000_000_000L);
    assertEquals(0x58, read(0x00));
    write(0x0A, 0x26);
    time.advance(499_999_999L);
    assertEquals(0x58, read(0x00));
    time.advance(1);
    assertEquals(0x59, read(0x00));
  }

  @Test
  void nvramRoundTripAndIndexMasksBit7() {
    for (int i = 0x0E; i < 0x80; i++) {
      if (i == 0x32) {
        continue; // century is clock state
      }
      write(i, i ^ 0x5A);
    }
    for (int i = 0x0E; i < 0x80; i++) {
      if (i != 0x32) {
        assertEquals(i ^ 0x5A, read(i));
      }
    }
    out(0, 0x80 | 0x40);
    assertEquals(0x40 ^ 0x5A, in(1));
    assertTrue(rtc.nmiDisabled());
    out(0, 0x40);
    assertFalse(rtc.nmiDisabled());
  }

  @Test
  void registerDReportsValidRamAndCAndDAreReadOnly() {
    assertEquals(0x80, read(0x0D));
    write(0x0D, 0x00);
    write(0x0C, 0xFF);
    assertEquals(0x80, read(0x0D));
    assertEquals(0x00, read(0x0C));
  }

  @Test
  void memorySizeBytesAsSeaBiosReadsThem() {
    rtc.setMemorySize(2L << 30, 1L << 30);
    assertEquals(0x280, rtc.readNvram(0x15) | rtc.readNvram(0x16) << 8);
    assertEquals(0xFFFF, rtc.readNvram(0x17) | rtc.readNvram(0x18) << 8);
    assertEquals(0xFFFF, rtc.readNvram(0x30) | rtc.readNvram(0x31) << 8);
    assertEquals((2048 - 16) * 16, rtc.readNvram(0x34) | rtc.readNvram(0x35) << 8);
    assertEquals(16384, rtc.readNvram(0x5B) | rtc.readNvram(0x5C) << 8 | rtc.readNvram(0x5D) << 16);
    rtc.setMemorySize(8L << 20, 0);
    assertEquals(7 * 1024, rtc.readNvram(0x17) | rtc.readNvram(0x18) << 8);
    assertEquals(0, rtc.readNvram(0x34));
  }

  @Test
  void wideAccessRefused() {
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE, rtc.readPort(region(), 1, IoValue.forRead(AccessSize.WORD)));
  }
}
