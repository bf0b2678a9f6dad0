package io.parasol.paravisor.chipset.pit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.ManualTimeSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behaviour from the Intel 8254 datasheet. CLK pulse {@code k} happens at {@code k / 1193182} s
 * after the device is made; a count written before pulse 1 is loaded at pulse 1 ("the initial count
 * will be loaded on the next CLK pulse"), so after the load, pulse {@code 1 + j} has counted {@code
 * j}.
 */
class Pit8254Test {
  private final ManualTimeSource time = new ManualTimeSource();
  private final RecordingLine irq0 = new RecordingLine(time);
  private final Pit8254 pit = new Pit8254(time, irq0);
  private final IoRegion pitRegion = pit.portRegions().get(0);
  private final IoRegion portB = pit.portRegions().get(1);

  /*
   * DEVNOTE for readers: IRQ0 follows OUT, except that OUT's one-CLK dips (modes 2, 4, 5) reach the
   * line as a low-high pulse at the rising edge; OUT itself is checked through the status byte.
   */

  /** Records every level change with the time it happened. */
  static final class RecordingLine implements InterruptLine {
    final ManualTimeSource time;
    final List<long[]> changes = new ArrayList<>();
    boolean level;

    RecordingLine(ManualTimeSource time) {
      this.time = time;
    }

    @Override
    public void setLevel(boolean asserted) {
      if (asserted != level) {
        changes.add(new long[] {time.nanoTime(), asserted ? 1 : 0});
      }
      level = asserted;
    }

    List<Long> risingEdgeTimes() {
      List<Long> result = new ArrayList<>();
      for (long[] c : changes) {
        if (c[1] == 1) {
          result.add(c[0]);
        }
      }
      return result;
    }
  }

  /** The nanosecond at which CLK pulse {@code k} has happened, from 1193182 Hz. */
  private static long nanosAt(long pulse) {
    return (pulse * 1_000_000_000L + 1_193_181L) / 1_193_182L;
  }

  private void toPulse(long pulse) {
    time.advance(nanosAt(pulse) - time.nanoTime());
  }

  private void out(int port, int value) {
    IoRegion region = port == 0x61 ? portB : pitRegion;
    int offset = port == 0x61 ? 0 : port - 0x40;
    assertEquals(IoStatus.OK, pit.writePort(region, offset, new IoValue(AccessSize.BYTE, value)));
  }

  private int in(int port) {
    IoRegion region = port == 0x61 ? portB : pitRegion;
    int offset = port == 0x61 ? 0 : port - 0x40;
    IoValue v = IoValue.forRead(AccessSize.BYTE);
    assertEquals(IoStatus.OK, pit.readPort(region, offset, v));
    return (int) v.value();
  }

  private int readCount16(int port) {
    int lsb = in(port);
    return lsb | in(port) << 8;
  }

  private int status(int counter) {
    out(0x43, 0xE0 | (2 << counter)); // read-back: latch status only
    return in(0x40 + counter);
  }

  @Test
  void mode0CountsDownAndRaisesOutAfterNPlusOnePulses() {
    out(0x43, 0x30); // counter 0, LSB then MSB, mode 0, binary
    out(0x40, 16);
    out(0x40, 0);
    toPulse(1);
    assertEquals(16, readCount16(0x40));
    toPulse(11);
    assertEquals(6, readCount16(0x40));
    toPulse(16);
    assertEquals(1, readCount16(0x40));
    assertFalse(irq0.level);
    toPulse(17); // N + 1 pulses after the count was written
    assertEquals(0, readCount16(0x40));
    assertTrue(irq0.level);
    assertEquals(List.of(nanosAt(17)), irq0.risingEdgeTimes());
    toPulse(18); // the count keeps decrementing past terminal count, OUT stays high
    assertEquals(0xFFFF, readCount16(0x40));
    toPulse(5000);
    assertEquals(1, irq0.risingEdgeTimes().size());
  }

  @Test
  void mode0NewCountDropsOutAndRestarts() {
    out(0x43, 0x30);
    out(0x40, 4);
    out(0x40, 0);
    toPulse(10);
    assertTrue(irq0.level);
    out(0x40, 8); // first byte: counting stops, OUT low immediately
    assertFalse(irq0.level);
    out(0x40, 0);
    toPulse(10 + 9);
    assertTrue(irq0.level);
    assertEquals(2, irq0.risingEdgeTimes().size());
  }

  @Test
  void mode2FiresOncePerPeriodWithExactCounts() {
    out(0x43, 0x34); // counter 0, LSB/MSB, mode 2
    assertTrue(irq0.level, "mode 2 OUT goes high when programmed");
    int risingAtProgram = irq0.risingEdgeTimes().size();
    out(0x40, 100);
    out(0x40, 0);
    toPulse(1 + 30);
    assertEquals(70, readCount16(0x40));
    toPulse(1 + 99); // count 1: OUT low for one clock
    assertEquals(1, readCount16(0x40));
    assertEquals(0, status(0) & 0x80);
    toPulse(1 + 100); // reloaded
    assertEquals(100, readCount16(0x40));
    assertTrue(irq0.level);
    toPulse(1 + 500);
    List<Long> edges =
        irq0.risingEdgeTimes().subList(risingAtProgram, irq0.risingEdgeTimes().size());
    assertEquals(
        List.of(nanosAt(101), nanosAt(201), nanosAt(301), nanosAt(401), nanosAt(501)), edges);
  }

  @Test
  void mode2NewCountTakesEffectAtNextReload() {
    out(0x43, 0x34);
    out(0x40, 100);
    out(0x40, 0);
    toPulse(1 + 30);
    out(0x40, 50);
    out(0x40, 0);
    assertEquals(0x40, status(0) & 0x40, "null count until the new count is loaded");
    toPulse(1 + 99);
    assertEquals(1, readCount16(0x40));
    toPulse(1 + 100);
    assertEquals(50, readCount16(0x40));
    assertEquals(0, status(0) & 0x40);
    toPulse(1 + 100 + 49);
    assertEquals(0, status(0) & 0x80);
    toPulse(1 + 150);
    assertEquals(50, readCount16(0x40));
    assertTrue(irq0.level);
  }

  @Test
  void mode3SquareWaveEvenAndOddCounts() {
    out(0x43, 0x36); // counter 0, mode 3
    out(0x40, 10);
    out(0x40, 0);
    toPulse(1);
    assertEquals(10, readCount16(0x40));
    toPulse(3);
    assertEquals(6, readCount16(0x40), "decrements by two");
    assertTrue(irq0.level);
    toPulse(6); // N/2 pulses after load: OUT low, reloaded
    assertFalse(irq0.level);
    assertEquals(10, readCount16(0x40));
    toPulse(11);
    assertTrue(irq0.level);

    out(0x43, 0x36);
    out(0x40, 5); // odd: high for 3 pulses, low for 2; CE loads N-1
    out(0x40, 0);
    long load = Pit8254.ticksIn(time.nanoTime()) + 1;
    toPulse(load);
    assertEquals(4, readCount16(0x40));
    toPulse(load + 2);
    assertEquals(0, readCount16(0x40));
    assertTrue(irq0.level);
    toPulse(load + 3);
    assertFalse(irq0.level);
    assertEquals(4, readCount16(0x40));
    toPulse(load + 5);
    assertTrue(irq0.level);
  }

  @Test
  void mode6And7AliasModes2And3() {
    out(0x43, 0x3C); // mode bits 110
    out(0x40, 10);
    out(0x40, 0);
    toPulse(1 + 9);
    assertEquals(0, status(0) & 0x80);
    toPulse(1 + 10);
    assertEquals(0x3C, status(0) & 0x3F, "status reports the mode bits as written");
  }

  @Test
  void latchHoldsValueUntilRead() {
    out(0x43, 0x30);
    out(0x40, 0x34);
    out(0x40, 0x12);
    toPulse(1 + 0x10);
    out(0x43, 0x00); // counter latch command, counter 0
    toPulse(1 + 0x200);
    out(0x43, 0x00); // ignored: already latched
    assertEquals(0x1224, readCount16(0x40));
    assertEquals(0x1234 - 0x200, readCount16(0x40), "after the latch is read, reads are live");
  }

  @Test
  void readBackStatusByteFormat() {
    out(0x43, 0xB0); // counter 2, LSB/MSB, mode 0
    assertEquals(0x70, status(2), "OUT low, null count, RW=11, mode 0, binary");
    out(0x42, 3);
    out(0x42, 0);
    assertEquals(0x70, status(2), "count written, not yet loaded");
    toPulse(1);
    assertEquals(0x30, status(2), "loaded: null count clear");
    out(0x61, 0x01); // GATE2 high
    toPulse(20);
    assertEquals(0xB0, status(2), "OUT high after terminal count");
  }

  @Test
  void readBackCountAndStatusReturnsStatusFirst() {
    out(0x43, 0x31); // counter 0, BCD mode 0
    out(0x40, 0x00);
    out(0x40, 0x10); // 1000 decimal
    toPulse(1 + 1);
    out(0x43, 0xC2); // read-back: count and status, counter 0
    assertEquals(0x31, in(0x40));
    assertEquals(0x99, in(0x40));
    assertEquals(0x09, in(0x40));
  }

  @Test
  void bcdZeroIsTenThousand() {
    out(0x43, 0x31);
    out(0x40, 0);
    out(0x40, 0);
    toPulse(1 + 1);
    assertEquals(0x9999, readCount16(0x40));
    toPulse(1 + 10_000);
    assertEquals(0, readCount16(0x40));
    assertTrue(irq0.level);
  }

  @Test
  void lsbOnlyAndMsbOnlyReadWriteModes() {
    out(0x43, 0x10); // LSB only
    out(0x40, 0x20);
    toPulse(1 + 2);
    assertEquals(0x1E, in(0x40));
    assertEquals(0x1E, in(0x40), "every read returns the LSB");
    out(0x43, 0x20); // MSB only
    out(0x40, 0x02); // count 0x200
    long load = Pit8254.ticksIn(time.nanoTime()) + 1;
    toPulse(load + 0x100);
    assertEquals(0x01, in(0x40));
    assertEquals(0x01, in(0x40));
  }

  @Test
  void counter2GateSuspendsMode0() {
    out(0x43, 0xB0);
    out(0x42, 100);
    out(0x42, 0);
    toPulse(50);
    assertEquals(100, readCount16(0x42), "GATE2 low (port 0x61 bit 0 = 0): no counting");
    out(0x61, 0x01);
    toPulse(60);
    assertEquals(90, readCount16(0x42));
    out(0x61, 0x00);
    toPulse(500);
    assertEquals(90, readCount16(0x42));
    assertEquals(0, in(0x61) & 0x20);
    out(0x61, 0x01);
    toPulse(590);
    assertEquals(0, readCount16(0x42));
    assertEquals(0x20, in(0x61) & 0x20, "OUT2 at port 0x61 bit 5");
  }

  @Test
  void counter2Mode2GateLowForcesOutHighAndRisingEdgeReloads() {
    out(0x61, 0x01);
    out(0x43, 0xB4); // counter 2, mode 2
    out(0x42, 10);
    out(0x42, 0);
    toPulse(1 + 9);
    assertFalse(pit.counter2Out());
    out(0x61, 0x00);
    assertTrue(pit.counter2Out(), "GATE low sets OUT high immediately");
    toPulse(100);
    out(0x61, 0x01);
    toPulse(101);
    assertEquals(10, readCount16(0x42), "rising edge reloads on the next CLK");
    toPulse(104);
    assertEquals(7, readCount16(0x42));
  }

  @Test
  void counter2Mode1OneShotTriggeredByGate() {
    out(0x43, 0xB2); // counter 2, mode 1
    out(0x42, 5);
    out(0x42, 0);
    toPulse(50);
    assertTrue(pit.counter2Out(), "OUT high until triggered");
    assertEquals(0x40, status(2) & 0x40, "count waits in the CR");
    out(0x61, 0x01);
    toPulse(51);
    assertFalse(pit.counter2Out());
    assertEquals(5, readCount16(0x42));
    toPulse(55);
    assertFalse(pit.counter2Out());
    toPulse(56);
    assertTrue(pit.counter2Out());
  }

  @Test
  void mode4StrobesOnePulse() {
    out(0x43, 0x38); // counter 0, mode 4
    int before = irq0.risingEdgeTimes().size();
    out(0x40, 5);
    out(0x40, 0);
    toPulse(1 + 4);
    assertTrue(irq0.level);
    toPulse(1 + 5);
    assertEquals(0, status(0) & 0x80, "OUT low for the one CLK at count 0");
    toPulse(1 + 6);
    assertTrue(irq0.level);
    toPulse(1000);
    assertEquals(before + 1, irq0.risingEdgeTimes().size());
  }

  @Test
  void idleAfterMode0TerminalCountArmsNothing() {
    out(0x43, 0x30);
    out(0x40, 2);
    out(0x40, 0);
    toPulse(1_000_000);
    assertEquals(1, irq0.changes.size());
  }

  @Test
  void refreshToggleFlipsWithTime() {
    int first = in(0x61) & 0x10;
    time.advance(Pit8254.REFRESH_TOGGLE_NANOS);
    assertNotEquals(first, in(0x61) & 0x10);
  }

  @Test
  void portBKeepsLowNibbleOnly() {
    out(0x61, 0xFF);
    assertEquals(0x0F, in(0x61) & 0xCF);
  }

  @Test
  void wideAccessIsRefused() {
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE,
        pit.writePort(pitRegion, 0, new IoValue(AccessSize.WORD, 0x1234)));
  }

  @Test
  void ticksAndNanosAreInverse() {
    for (long pulse : new long[] {0, 1, 2, 1193181, 1193182, 123456789012L}) {
      assertEquals(pulse, Pit8254.ticksIn(Pit8254.nanosOfPulse(pulse)));
      if (pulse > 0) {
        assertEquals(pulse - 1, Pit8254.ticksIn(Pit8254.nanosOfPulse(pulse) - 1));
      }
    }
  }
}
