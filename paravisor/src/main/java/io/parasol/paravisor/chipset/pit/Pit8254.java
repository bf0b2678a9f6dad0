package io.parasol.paravisor.chipset.pit;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.TimeSource;
import io.parasol.machine.time.Timer;
import java.util.List;
import java.util.Objects;

/**
 * The Intel 8254 programmable interval timer at ports 0x40–0x43, plus port 0x61 (PIIX/ICH "NMI
 * Status and Control Register", bits 0/1 = counter 2 GATE and speaker data, bit 4 = refresh toggle,
 * bit 5 = counter 2 OUT).
 *
 * <p>The input clock is {@value #INPUT_CLOCK_HZ} Hz. CLK pulse {@code k} happens at {@code k /
 * INPUT_CLOCK_HZ} seconds after the device was made, and every counter's state is a function of the
 * pulse index at the moment it is looked at: nothing ticks. Counter 0's OUT drives the {@code irq0}
 * line; a timer is armed only while that OUT has a transition ahead (modes 2/3 periodically, modes
 * 0/1/4/5 once), so an idle PIT costs nothing. Counters 0 and 1 have GATE tied high (as on a PC);
 * counter 2's GATE is port 0x61 bit 0.
 *
 * <p>DEVNOTE: two simplifications of the datasheet, neither visible to software that does not count
 * single CLK pulses: in mode 3 a count written during counting takes effect at the end of the
 * current half-cycle, as specified, but the 8254's sampling of GATE on CLK edges is modelled as
 * "takes effect at the pulse in progress"; and a count of 1 in modes 2/3 (illegal per the
 * datasheet) counts but never arms the IRQ0 timer.
 *
 * <p>DEVNOTE: OUT's one-CLK low dips (mode 2 at count 1, modes 4/5 at count 0) reach the IRQ0 line
 * as a low-high pulse at the rising edge, one timer per period rather than two, and never lost when
 * a timer runs late; the read-back status byte shows OUT exactly.
 */
public final class Pit8254 implements PortIoDevice {
  /** The PC's PIT input clock, 14.31818 MHz / 12. */
  public static final long INPUT_CLOCK_HZ = 1_193_182L;

  /** The first of the four PIT ports (counter 0, 1, 2, control word). */
  public static final int BASE_PORT = 0x40;

  /** Port 0x61, NMI Status and Control ("port B"). */
  public static final int PORT_B = 0x61;

  /** Port 0x61 bit 4 (REF_TOGGLE) flips at about the DRAM refresh rate, every 15.085 µs. */
  static final long REFRESH_TOGGLE_NANOS = 15_085L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  // Port 0x61 bits (ICH "NMI_STS_CNT").
  private static final int PORTB_TIM_CNT2_EN = 0x01;
  private static final int PORTB_WRITABLE = 0x0F;
  private static final int PORTB_REF_TOGGLE = 0x10;
  private static final int PORTB_TMR2_OUT_STS = 0x20;

  private final IoRegion pitRegion = new IoRegion("pit", BASE_PORT, 4);
  private final IoRegion portBRegion = new IoRegion("port61", PORT_B, 1);
  private final TimeSource time;
  private final long originNanos;
  private final Counter[] counters = new Counter[3];
  private int portB;

  /**
   * @param time the monotonic clock the counters run on
   * @param irq0 driven by counter 0's OUT pin
   */
  public Pit8254(TimeSource time, InterruptLine irq0) {
    this.time = Objects.requireNonNull(time, "time");
    this.originNanos = time.nanoTime();
    counters[0] = new Counter(0, Objects.requireNonNull(irq0, "irq0"));
    counters[1] = new Counter(1, InterruptLine.NONE);
    counters[2] = new Counter(2, InterruptLine.NONE);
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(pitRegion, portBRegion);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion region, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    long pulse = pulseNow();
    if (region == portBRegion) {
      data.setValue(readPortB(pulse));
      return IoStatus.OK;
    }
    if (offset == 3) {
      // 8254 datasheet, Table 1: reading A1,A0 = 11 is "no operation (3-state)".
      data.setValue(0xFF);
      return IoStatus.OK;
    }
    if (offset < 0 || offset > 3) {
      return IoStatus.INVALID_REGISTER;
    }
    data.setValue(counters[offset].readByte(pulse));
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion region, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    int value = (int) data.value() & 0xFF;
    long pulse = pulseNow();
    if (region == portBRegion) {
      writePortB(value, pulse);
      return IoStatus.OK;
    }
    if (offset < 0 || offset > 3) {
      return IoStatus.INVALID_REGISTER;
    }
    if (offset == 3) {
      writeControlWord(value, pulse);
    } else {
      counters[offset].writeByte(value, pulse);
    }
    return IoStatus.OK;
  }

  /** Counter 2's OUT pin now, as port 0x61 bit 5 reports it. */
  public synchronized boolean counter2Out() {
    return counters[2].out(pulseNow());
  }

  private int readPortB(long pulse) {
    int value = portB & PORTB_WRITABLE;
    long elapsed = time.nanoTime() - originNanos;
    if (((elapsed / REFRESH_TOGGLE_NANOS) & 1) != 0) {
      value |= PORTB_REF_TOGGLE;
    }
    Counter c2 = counters[2];
    c2.sync(pulse);
    if (c2.out(pulse)) {
      value |= PORTB_TMR2_OUT_STS;
    }
    return value;
  }

  private void writePortB(int value, long pulse) {
    // Bits 4-7 are read-only status; bits 2/3 (NMI enables) are kept but act on nothing.
    portB = value & PORTB_WRITABLE;
    counters[2].setGate((value & PORTB_TIM_CNT2_EN) != 0, pulse);
  }

  // 8254 datasheet, "Control Word Format": SC1 SC0 RW1 RW0 M2 M1 M0 BCD.
  private void writeControlWord(int value, long pulse) {
    int select = value >> 6;
    if (select == 3) {
      // "Read-Back Command": D5 = !COUNT, D4 = !STATUS, D3..D1 = CNT2..CNT0.
      for (int i = 0; i < 3; i++) {
        if ((value & (2 << i)) != 0) {
          counters[i].readBack((value & 0x20) == 0, (value & 0x10) == 0, pulse);
        }
      }
      return;
    }
    Counter counter = counters[select];
    int rw = (value >> 4) & 3;
    if (rw == 0) {
      counter.latchCount(pulse); // "Counter Latch Command"
    } else {
      counter.program(rw, (value >> 1) & 7, (value & 1) != 0, pulse);
    }
  }

  private long pulseNow() {
    return ticksIn(time.nanoTime() - originNanos);
  }

  /** CLK pulses completed in {@code nanos} (exact, no overflow for any non-negative input). */
  static long ticksIn(long nanos) {
    if (nanos <= 0) {
      return 0;
    }
    return nanos / NANOS_PER_SECOND * INPUT_CLOCK_HZ
        + nanos % NANOS_PER_SECOND * INPUT_CLOCK_HZ / NANOS_PER_SECOND;
  }

  /** The first nanosecond (after the origin) at which pulse {@code pulse} has happened. */
  static long nanosOfPulse(long pulse) {
    long rem = pulse % INPUT_CLOCK_HZ;
    return pulse / INPUT_CLOCK_HZ * NANOS_PER_SECOND
        + (rem * NANOS_PER_SECOND + INPUT_CLOCK_HZ - 1) / INPUT_CLOCK_HZ;
  }

  private static int toBcd(int value) {
    return (value / 1000 % 10) << 12
        | (value / 100 % 10) << 8
        | (value / 10 % 10) << 4
        | value % 10;
  }

  private static int fromBcd(int raw) {
    int value =
        ((raw >> 12) & 0xF) * 1000
            + ((raw >> 8) & 0xF) * 100
            + ((raw >> 4) & 0xF) * 10
            + (raw & 0xF);
    return value % 10_000; // nibbles above 9 are not BCD; keep the count in range
  }

  /**
   * One counter. The counting element (CE) is described by a timeline: from pulse {@code basePulse}
   * on, {@code D} (CLK pulses counted since the CE was loaded) is {@code baseD} plus the pulses
   * since, while {@code counting}. Before {@code basePulse} of a fresh load, or when not {@code
   * started}, the CE shows {@code staleCe} and OUT shows {@code preLoadOut}.
   */
  private final class Counter {
    private final int index;
    private final InterruptLine line;
    private final Timer timer;

    // Programming (Control Word).
    private int rw = 3;
    private int modeBits;
    private int mode;
    private boolean bcd;

    // Count Register (CR) and the read/write byte pointers.
    private int countRegister;
    private boolean countRegisterValid;
    private boolean lsbWritten;
    private int lsb;
    private boolean readMsbNext;

    // Output Latch (OL) and status latch.
    private boolean countLatched;
    private int latchedCount;
    private boolean latchMsbNext;
    private boolean statusLatched;
    private int latchedStatus;

    // CE timeline.
    private boolean gate;
    private boolean started;
    private boolean counting;
    private long basePulse;
    private long baseD;
    private int n = 0x10000;
    private int staleCe;
    private boolean preLoadOut;
    private long nullCountClearsAt = Long.MIN_VALUE;

    // A count written during counting in modes 2/3, loaded at the next reload.
    private boolean pending;
    private long pendingPulse;
    private int pendingN;
    private boolean pendingLowPhase;

    // What the IRQ line was last driven to, and D when it was.
    private boolean lineLevel;
    private long lastD = -1;

    Counter(int index, InterruptLine line) {
      this.index = index;
      this.line = line;
      this.gate = index != 2; // counters 0/1: GATE tied high; counter 2: port 0x61 bit 0 (reset 0)
      this.timer =
          line == InterruptLine.NONE ? null : time.newTimer("pit-counter" + index, this::onTimer);
    }

    private int modulus() {
      return bcd ? 10_000 : 0x10000;
    }

    private boolean loadedAt(long pulse) {
      return started && pulse >= basePulse;
    }

    private long d(long pulse) {
      return baseD + (counting ? Math.max(0, pulse - basePulse) : 0);
    }

    private int high(int count) {
      return (count + 1) / 2;
    }

    boolean out(long pulse) {
      if (!loadedAt(pulse)) {
        return preLoadOut;
      }
      long d = d(pulse);
      return switch (mode) {
        case 0, 1 -> d >= n; // terminal count reached: OUT high until reprogrammed
        case 2 -> d % n != n - 1; // low for the one CLK at count 1
        case 3 -> d % n < high(n); // high for ceil(N/2), low for floor(N/2)
        default -> d != n; // modes 4/5: low for the one CLK at count 0
      };
    }

    private int ce(long pulse) {
      if (!loadedAt(pulse)) {
        return staleCe;
      }
      long d = d(pulse);
      int m = modulus();
      long value;
      switch (mode) {
        case 2 -> value = n - d % n;
        case 3 -> {
          // Mode 3: even counts decrement by two from N; odd counts load N-1 and decrement by two.
          long j = d % n;
          int h = high(n);
          long inPhase = j < h ? j : j - h;
          value = (n & 1) == 0 ? n - 2 * inPhase : n - 1 - 2 * inPhase;
        }
        default -> value = Math.floorMod(n - d, m); // one-shots keep counting down and wrap
      }
      return (int) (value % m);
    }

    private boolean nullCount(long pulse) {
      return pulse < nullCountClearsAt;
    }

    void sync(long pulse) {
      if (pending && pendingPulse <= pulse) {
        if (timer != null) {
          emitLine(pendingPulse);
        }
        n = pendingN;
        basePulse = pendingPulse;
        baseD = pendingLowPhase ? high(n) : 0;
        lastD = baseD;
        pending = false;
      }
    }

    private void update(long pulse) {
      sync(pulse);
      if (timer != null) {
        emitLine(pulse);
      }
    }

    /** Drives the line to OUT at {@code pulse}, with a low-high pulse if OUT dipped since. */
    private void emitLine(long pulse) {
      if (!loadedAt(pulse)) {
        setLine(preLoadOut);
        return;
      }
      long d = d(pulse);
      boolean out = out(pulse);
      if (out && d > lastD && wentLowBetween(lastD, d)) {
        setLine(false);
      }
      setLine(out);
      lastD = d;
    }

    private boolean wentLowBetween(long fromExclusive, long toInclusive) {
      switch (mode) {
        case 2, 3 -> {
          int lowStart = mode == 2 ? n - 1 : high(n);
          if (toInclusive - fromExclusive >= n) {
            return true;
          }
          long first = fromExclusive + 1;
          long r = Math.floorMod(first, (long) n);
          long firstLow = r >= lowStart ? first : first + (lowStart - r);
          return firstLow <= toInclusive;
        }
        case 4, 5 -> {
          return fromExclusive < n && n <= toInclusive;
        }
        default -> {
          return false;
        }
      }
    }

    private void setLine(boolean level) {
      if (level != lineLevel) {
        lineLevel = level;
        line.setLevel(level);
      }
    }

    private void onTimer() {
      synchronized (Pit8254.this) {
        long pulse = pulseNow();
        update(pulse);
        rearm(pulse);
      }
    }

    /** Arms the timer for OUT's next transition, or disarms it when there is none. */
    private void rearm(long pulse) {
      if (timer == null) {
        return;
      }
      long next = nextEventPulse(pulse);
      if (next == Long.MAX_VALUE) {
        timer.cancel();
      } else {
        timer.armAt(originNanos + nanosOfPulse(next));
      }
    }

    private long nextEventPulse(long pulse) {
      if (pending) {
        return pendingPulse;
      }
      if (!started || !counting) {
        return Long.MAX_VALUE;
      }
      long dNow = loadedAt(pulse) ? d(pulse) : -1;
      long target;
      switch (mode) {
        case 0, 1 -> target = dNow < n ? n : -1;
        case 4, 5 -> target = dNow < n + 1 ? n + 1 : -1; // rising edge after the strobe
        case 2 -> target = n < 2 ? -1 : (Math.floorDiv(dNow, n) + 1) * n;
        default -> {
          if (n < 2) {
            target = -1;
          } else {
            long base = Math.floorDiv(dNow, n) * n;
            target = base + high(n) > dNow ? base + high(n) : base + n;
          }
        }
      }
      return target < 0 ? Long.MAX_VALUE : basePulse + (target - baseD);
    }

    // "Counter Latch Command": latch once; further latches are ignored until it is read.
    void latchCount(long pulse) {
      sync(pulse);
      if (!countLatched) {
        countLatched = true;
        latchMsbNext = false;
        int value = ce(pulse);
        latchedCount = bcd ? toBcd(value) : value;
      }
    }

    void readBack(boolean count, boolean status, long pulse) {
      sync(pulse);
      if (count) {
        latchCount(pulse);
      }
      if (status && !statusLatched) {
        // "Status Byte": OUTPUT, NULL COUNT, RW1, RW0, M2, M1, M0, BCD.
        statusLatched = true;
        latchedStatus =
            (out(pulse) ? 0x80 : 0)
                | (nullCount(pulse) ? 0x40 : 0)
                | rw << 4
                | modeBits << 1
                | (bcd ? 1 : 0);
      }
    }

    int readByte(long pulse) {
      sync(pulse);
      if (statusLatched) {
        statusLatched = false;
        return latchedStatus;
      }
      if (countLatched) {
        boolean msb;
        if (rw == 3) {
          msb = latchMsbNext;
          latchMsbNext = !latchMsbNext;
          countLatched = !msb;
        } else {
          msb = rw == 2;
          countLatched = false;
        }
        return msb ? (latchedCount >> 8) & 0xFF : latchedCount & 0xFF;
      }
      int value = ce(pulse);
      if (bcd) {
        value = toBcd(value);
      }
      boolean msb;
      if (rw == 3) {
        msb = readMsbNext;
        readMsbNext = !readMsbNext;
      } else {
        msb = rw == 2;
      }
      return msb ? (value >> 8) & 0xFF : value & 0xFF;
    }

    void program(int newRw, int newModeBits, boolean newBcd, long pulse) {
      update(pulse);
      // "When a Control Word is written to a Counter, all Control Logic is immediately reset and
      // OUT goes to a known initial state" (low in mode 0, high otherwise); Null Count is set.
      staleCe = ce(pulse);
      rw = newRw;
      modeBits = newModeBits;
      mode = newModeBits >= 6 ? newModeBits - 4 : newModeBits; // 110/111 alias modes 2/3
      bcd = newBcd;
      lsbWritten = false;
      readMsbNext = false;
      countLatched = false;
      statusLatched = false;
      countRegisterValid = false;
      started = false;
      counting = false;
      pending = false;
      preLoadOut = mode != 0;
      nullCountClearsAt = Long.MAX_VALUE;
      update(pulse);
      rearm(pulse);
    }

    void writeByte(int value, long pulse) {
      switch (rw) {
        case 1 -> loadCount(value, pulse);
        case 2 -> loadCount(value << 8, pulse);
        default -> {
          if (!lsbWritten) {
            lsb = value;
            lsbWritten = true;
            if (mode == 0) {
              // Mode 0: "Writing the first byte disables counting. OUT is set low immediately."
              update(pulse);
              staleCe = ce(pulse);
              started = false;
              counting = false;
              preLoadOut = false;
              update(pulse);
              rearm(pulse);
            }
          } else {
            lsbWritten = false;
            loadCount(lsb | value << 8, pulse);
          }
        }
      }
    }

    private void loadCount(int raw, long pulse) {
      update(pulse);
      countRegister = bcd ? fromBcd(raw) : raw;
      countRegisterValid = true;
      int newN = countRegister == 0 ? modulus() : countRegister;
      switch (mode) {
        case 0, 4 -> {
          // Loaded into the CE on the next CLK pulse; mode 0 OUT goes (or stays) low.
          boolean outNow = out(pulse);
          startLoad(newN, pulse, gate, mode == 0 ? false : outNow);
        }
        case 2, 3 -> {
          if (started && counting && loadedAt(pulse)) {
            // "If a new count is written during counting, it will be loaded at the end of the
            // current counting cycle" (mode 2) / "current half-cycle" (mode 3).
            long d = d(pulse);
            long base = Math.floorDiv(d, n) * n;
            long boundary;
            boolean low;
            if (mode == 3 && d < base + high(n)) {
              boundary = base + high(n);
              low = true;
            } else {
              boundary = base + n;
              low = false;
            }
            pending = true;
            pendingPulse = basePulse + (boundary - baseD);
            pendingN = newN;
            pendingLowPhase = low;
            nullCountClearsAt = pendingPulse;
          } else if (started && !counting) {
            nullCountClearsAt = Long.MAX_VALUE; // waits for GATE's rising edge
          } else {
            startLoad(newN, pulse, gate, true);
          }
        }
        default -> {
          // Modes 1/5: the count waits in the CR for a GATE trigger; a one-shot in progress is
          // not affected.
          nullCountClearsAt = Long.MAX_VALUE;
        }
      }
      update(pulse);
      rearm(pulse);
    }

    private void startLoad(int newN, long pulse, boolean countingAfterLoad, boolean outBeforeLoad) {
      if (loadedAt(pulse) || !started) {
        staleCe = ce(pulse);
      }
      started = true;
      counting = countingAfterLoad;
      basePulse = pulse + 1;
      baseD = 0;
      n = newN;
      preLoadOut = outBeforeLoad;
      pending = false;
      nullCountClearsAt = pulse + 1;
      lastD = -1;
    }

    void setGate(boolean level, long pulse) {
      update(pulse);
      if (level == gate) {
        return;
      }
      gate = level;
      if (!level) {
        switch (mode) {
          case 0, 4 -> freeze(pulse); // GATE = 0 disables counting
          case 2, 3 -> {
            // GATE low: counting stops and OUT is set high immediately; a pending count waits for
            // the next trigger, which loads the CR anyway.
            staleCe = ce(pulse);
            started = false;
            counting = false;
            preLoadOut = true;
            if (pending) {
              pending = false;
              nullCountClearsAt = Long.MAX_VALUE;
            }
          }
          default -> {} // modes 1/5: GATE level does not affect counting
        }
      } else {
        switch (mode) {
          case 0, 4 -> {
            if (started) {
              if (loadedAt(pulse)) {
                baseD = d(pulse);
                basePulse = pulse;
              }
              counting = true;
            }
          }
          default -> {
            // Modes 1/2/3/5: the rising edge is a trigger, reloading the CR on the next CLK.
            if (countRegisterValid) {
              boolean outNow = out(pulse);
              int newN = countRegister == 0 ? modulus() : countRegister;
              long clears = nullCountClearsAt > pulse ? pulse + 1 : nullCountClearsAt;
              startLoad(newN, pulse, true, mode == 2 || mode == 3 ? true : outNow);
              nullCountClearsAt = clears;
            }
          }
        }
      }
      update(pulse);
      rearm(pulse);
    }

    private void freeze(long pulse) {
      if (counting && loadedAt(pulse)) {
        baseD = d(pulse);
        basePulse = pulse;
      }
      counting = false;
    }
  }
}
