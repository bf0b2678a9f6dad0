package io.parasol.paravisor.chipset.rtc;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.TimeSource;
import io.parasol.machine.time.Timer;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The MC146818A RTC and 128 bytes of CMOS RAM, at index port 0x70 and data port 0x71.
 *
 * <p>Registers 0x00–0x09 are the time, alarm and date (MC146818A "Address Map"), 0x0A–0x0D are
 * Registers A–D, 0x0E–0x7F are RAM (114 bytes), of which the PC layout uses 0x32 for the century
 * (the ACPI FADT CENTURY index) and 0x15–0x18, 0x30–0x31, 0x34–0x35, 0x5B–0x5D for memory sizes as
 * SeaBIOS reads them (see {@link #setMemorySize}).
 *
 * <p>The time is the injected wall clock plus an offset: a guest that sets the clock (SET = 1,
 * write the registers, SET = 0) changes the offset, never the host clock. While SET = 1 or the
 * divider (Register A DV2–0) is not 010, the time registers hold what the guest wrote and do not
 * update. The time is kept in the given zone offset (UTC for Linux guests, local time for Windows).
 *
 * <p>Interrupt flags (Register C PF, AF, UF) are computed when looked at, from the clocks; a timer
 * is armed only for an enabled interrupt whose flag is not yet set. The IRQ line follows IRQF and
 * drops when Register C is read.
 *
 * <p>DEVNOTE: the day-of-week register is derived from the date rather than counted from what the
 * guest wrote; DSE (daylight saving) is stored but ignored, as PC firmware and OSes leave it 0.
 */
public final class CmosRtc implements PortIoDevice {
  /** The index port; the data port is the next one. */
  public static final int INDEX_PORT = 0x70;

  /** CMOS index of the century byte, for the ACPI FADT CENTURY field. */
  public static final int CENTURY_INDEX = 0x32;

  /** UIP is set this long before each update (MC146818A tBUC, 244 µs = 8 cycles of 32.768 kHz). */
  static final long UIP_WINDOW_NANOS = 244_141L;

  static final int REG_SECONDS = 0x00;
  static final int REG_SECONDS_ALARM = 0x01;
  static final int REG_MINUTES = 0x02;
  static final int REG_MINUTES_ALARM = 0x03;
  static final int REG_HOURS = 0x04;
  static final int REG_HOURS_ALARM = 0x05;
  static final int REG_DAY_OF_WEEK = 0x06;
  static final int REG_DAY_OF_MONTH = 0x07;
  static final int REG_MONTH = 0x08;
  static final int REG_YEAR = 0x09;
  static final int REG_A = 0x0A;
  static final int REG_B = 0x0B;
  static final int REG_C = 0x0C;
  static final int REG_D = 0x0D;

  // Register A.
  static final int A_UIP = 0x80;
  private static final int A_DV_MASK = 0x70;
  private static final int A_DV_NORMAL = 0x20; // 010: 32.768 kHz time base, divider running
  private static final int A_RS_MASK = 0x0F;
  // Register B.
  static final int B_SET = 0x80;
  static final int B_PIE = 0x40;
  static final int B_AIE = 0x20;
  static final int B_UIE = 0x10;
  static final int B_DM_BINARY = 0x04;
  static final int B_24H = 0x02;
  // Register C.
  static final int C_IRQF = 0x80;
  static final int C_PF = 0x40;
  static final int C_AF = 0x20;
  static final int C_UF = 0x10;
  // Register D.
  static final int D_VRT = 0x80;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long SECONDS_PER_DAY = 86_400L;
  private static final long TIME_BASE_HZ = 32_768L;

  private final IoRegion region = new IoRegion("cmos", INDEX_PORT, 2);
  private final TimeSource time;
  private final InstantSource wallClock;
  private final int zoneOffsetSeconds;
  private final InterruptLine irq;
  private final Timer timer;
  private final byte[] cmos = new byte[128];

  private int index;
  private boolean nmiDisabled;
  private int flags; // Register C without IRQF
  private boolean irqLevel;
  private long offsetNanos;
  private long lastLocalSecond;
  private long periodicOriginNanos;
  private long lastPeriodicIndex;

  /**
   * @param time the monotonic clock for the periodic interrupt and timers
   * @param wallClock the host's wall clock; the guest's time is this plus an offset it can set
   * @param zone the zone offset the RTC keeps time in
   * @param irq8 follows Register C IRQF
   */
  public CmosRtc(TimeSource time, InstantSource wallClock, ZoneOffset zone, InterruptLine irq8) {
    this.time = Objects.requireNonNull(time, "time");
    this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
    this.zoneOffsetSeconds = zone.getTotalSeconds();
    this.irq = Objects.requireNonNull(irq8, "irq8");
    this.timer = time.newTimer("cmos-rtc", this::onTimer);
    // The state PC firmware leaves: 32.768 kHz divider, 1024 Hz rate, 24-hour BCD, VRT.
    cmos[REG_A] = 0x26;
    cmos[REG_B] = B_24H;
    periodicOriginNanos = time.nanoTime();
    lastLocalSecond = localSecond();
    lastPeriodicIndex = periodicIndex(periodicOriginNanos);
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    switch (offset) {
      case 0 -> data.setValue(index | (nmiDisabled ? 0x80 : 0));
      case 1 -> data.setValue(readRegister(index));
      default -> {
        return IoStatus.INVALID_REGISTER;
      }
    }
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    int value = (int) data.value() & 0xFF;
    switch (offset) {
      case 0 -> {
        // Port 0x70 bit 7 is the PC's NMI disable, not part of the index.
        index = value & 0x7F;
        nmiDisabled = (value & 0x80) != 0;
      }
      case 1 -> writeRegister(index, value);
      default -> {
        return IoStatus.INVALID_REGISTER;
      }
    }
    return IoStatus.OK;
  }

  /** Whether the guest last wrote port 0x70 with bit 7 set (remembered, not acted on). */
  public synchronized boolean nmiDisabled() {
    return nmiDisabled;
  }

  /** A CMOS RAM byte (0x0E–0x7F) as the VM builder sets it before the guest runs. */
  public synchronized void writeNvram(int cmosIndex, int value) {
    if (cmosIndex < 0x0E || cmosIndex > 0x7F) {
      throw new IllegalArgumentException(
          "not a CMOS RAM index: 0x" + Integer.toHexString(cmosIndex));
    }
    cmos[cmosIndex] = (byte) value;
  }

  /** A CMOS RAM byte (0x0E–0x7F). */
  public synchronized int readNvram(int cmosIndex) {
    if (cmosIndex < 0x0E || cmosIndex > 0x7F) {
      throw new IllegalArgumentException(
          "not a CMOS RAM index: 0x" + Integer.toHexString(cmosIndex));
    }
    return cmos[cmosIndex] & 0xFF;
  }

  /**
   * Records the guest's RAM size the way QEMU's {@code pc_cmos_init} does for SeaBIOS: 0x15/0x16
   * base memory in KiB (at most 640); 0x17/0x18 and 0x30/0x31 memory above 1 MiB in KiB (at most
   * 65535); 0x34/0x35 memory between 16 MiB and 4 GiB in 64 KiB units; 0x5B–0x5D memory above 4 GiB
   * in 64 KiB units.
   */
  public synchronized void setMemorySize(long belowFourGiBBytes, long aboveFourGiBBytes) {
    long kib = 1024;
    long mib = 1024 * kib;
    long base = Math.min(belowFourGiBBytes / kib, 640);
    setWord(0x15, base);
    long extended = belowFourGiBBytes > mib ? Math.min((belowFourGiBBytes - mib) / kib, 65535) : 0;
    setWord(0x17, extended);
    setWord(0x30, extended);
    long above16 =
        belowFourGiBBytes > 16 * mib
            ? Math.min((belowFourGiBBytes - 16 * mib) / (64 * kib), 65535)
            : 0;
    setWord(0x34, above16);
    long high = aboveFourGiBBytes / (64 * kib);
    cmos[0x5B] = (byte) high;
    cmos[0x5C] = (byte) (high >> 8);
    cmos[0x5D] = (byte) (high >> 16);
  }

  private void setWord(int at, long value) {
    cmos[at] = (byte) value;
    cmos[at + 1] = (byte) (value >> 8);
  }

  // ---- clocks ----

  private long guestNanos() {
    Instant now = wallClock.instant();
    return now.getEpochSecond() * NANOS_PER_SECOND + now.getNano() + offsetNanos;
  }

  private long localSecond() {
    return Math.floorDiv(guestNanos(), NANOS_PER_SECOND) + zoneOffsetSeconds;
  }

  private boolean dividerRunning() {
    return (cmos[REG_A] & A_DV_MASK) == A_DV_NORMAL;
  }

  private boolean running() {
    return dividerRunning() && (cmos[REG_B] & B_SET) == 0;
  }

  /**
   * Periodic rate select: 0 = none; 1–2 alias 8–9 with a 32.768 kHz time base (Table "Periodic
   * Interrupt Rate").
   */
  private int effectiveRateSelect() {
    int rs = cmos[REG_A] & A_RS_MASK;
    return rs == 0 ? 0 : rs < 3 ? rs + 7 : rs;
  }

  /** Periodic interrupt period in 32.768 kHz cycles for the current RS, or 0 for none. */
  private long periodicCycles() {
    int rs = effectiveRateSelect();
    return rs == 0 ? 0 : 1L << (rs - 1);
  }

  /** The periodic interrupt's period in nanoseconds (for tests and logs), or 0 when off. */
  synchronized double periodicPeriodNanos() {
    return periodicCycles() * (double) NANOS_PER_SECOND / TIME_BASE_HZ;
  }

  private long periodicIndex(long monoNanos) {
    long cycles = periodicCycles();
    if (cycles == 0) {
      return 0;
    }
    long elapsed = Math.max(0, monoNanos - periodicOriginNanos);
    long ticks =
        elapsed / NANOS_PER_SECOND * TIME_BASE_HZ
            + elapsed % NANOS_PER_SECOND * TIME_BASE_HZ / NANOS_PER_SECOND;
    return ticks / cycles;
  }

  private long monoNanosOfPeriodicIndex(long periodicIndex) {
    long ticks = periodicIndex * periodicCycles();
    return periodicOriginNanos
        + ticks / TIME_BASE_HZ * NANOS_PER_SECOND
        + (ticks % TIME_BASE_HZ * NANOS_PER_SECOND + TIME_BASE_HZ - 1) / TIME_BASE_HZ;
  }

  /** Sets Register C flags for every update, alarm and periodic edge since the last look. */
  private void refresh() {
    if (running()) {
      long second = localSecond();
      if (second > lastLocalSecond) {
        flags |= C_UF; // "UF is set after each update cycle"
        if (alarmMatchBetween(lastLocalSecond, second)) {
          flags |= C_AF;
        }
      }
      lastLocalSecond = second;
    }
    if (dividerRunning() && periodicCycles() != 0) {
      long idx = periodicIndex(time.nanoTime());
      if (idx > lastPeriodicIndex) {
        flags |= C_PF;
      }
      lastPeriodicIndex = idx;
    }
    updateIrq();
  }

  private int registerC() {
    int b = cmos[REG_B];
    boolean irqf =
        (flags & C_PF) != 0 && (b & B_PIE) != 0
            || (flags & C_AF) != 0 && (b & B_AIE) != 0
            || (flags & C_UF) != 0 && (b & B_UIE) != 0;
    return flags | (irqf ? C_IRQF : 0);
  }

  private void updateIrq() {
    boolean level = (registerC() & C_IRQF) != 0;
    if (level != irqLevel) {
      irqLevel = level;
      irq.setLevel(level);
    }
  }

  private void onTimer() {
    synchronized (this) {
      refresh();
      rearm();
    }
  }

  /** Arms the timer for the earliest enabled interrupt whose flag is still clear. */
  private void rearm() {
    int b = cmos[REG_B];
    long now = time.nanoTime();
    long deadline = Long.MAX_VALUE;
    if (running()
        && ((b & B_UIE) != 0 && (flags & C_UF) == 0 || (b & B_AIE) != 0 && (flags & C_AF) == 0)) {
      long guest = guestNanos();
      long toNextSecond = NANOS_PER_SECOND - Math.floorMod(guest, NANOS_PER_SECOND);
      if ((b & B_UIE) != 0 && (flags & C_UF) == 0) {
        deadline = Math.min(deadline, now + toNextSecond);
      }
      if ((b & B_AIE) != 0 && (flags & C_AF) == 0) {
        long current = localSecond();
        long next = nextAlarmSecond(current);
        if (next != Long.MAX_VALUE) {
          deadline =
              Math.min(deadline, now + toNextSecond + (next - current - 1) * NANOS_PER_SECOND);
        }
      }
    }
    if ((b & B_PIE) != 0 && (flags & C_PF) == 0 && dividerRunning() && periodicCycles() != 0) {
      deadline = Math.min(deadline, monoNanosOfPeriodicIndex(periodicIndex(now) + 1));
    }
    if (deadline == Long.MAX_VALUE) {
      timer.cancel();
    } else {
      timer.armAt(deadline);
    }
  }

  // ---- alarm ----

  /**
   * For each second/minute/hour value, whether the alarm byte matches it ("don't care" 0xC0–0xFF).
   */
  private boolean[] alarmMatches(int alarmRegister, int count, boolean hours) {
    int alarm = cmos[alarmRegister] & 0xFF;
    boolean[] result = new boolean[count];
    for (int v = 0; v < count; v++) {
      result[v] = (alarm & 0xC0) == 0xC0 || (hours ? encodeHours(v) : encode(v)) == alarm;
    }
    return result;
  }

  private boolean alarmMatchBetween(long fromExclusive, long toInclusive) {
    long next = nextAlarmSecond(fromExclusive);
    return next <= toInclusive;
  }

  /** The first local second after {@code from} whose time of day matches the alarm, or MAX. */
  private long nextAlarmSecond(long from) {
    boolean[] s = alarmMatches(REG_SECONDS_ALARM, 60, false);
    boolean[] m = alarmMatches(REG_MINUTES_ALARM, 60, false);
    boolean[] h = alarmMatches(REG_HOURS_ALARM, 24, true);
    for (long candidate = from + 1; candidate <= from + SECONDS_PER_DAY; candidate++) {
      int sod = (int) Math.floorMod(candidate, SECONDS_PER_DAY);
      if (h[sod / 3600] && m[sod / 60 % 60] && s[sod % 60]) {
        return candidate;
      }
    }
    return Long.MAX_VALUE;
  }

  // ---- encoding ----

  private boolean binary() {
    return (cmos[REG_B] & B_DM_BINARY) != 0;
  }

  private int encode(int value) {
    return binary() ? value : (value / 10) << 4 | value % 10;
  }

  private int decode(int raw) {
    return binary() ? raw : (raw >> 4) * 10 + (raw & 0x0F);
  }

  /** Hours per Register B 24/12: in 12-hour mode 1–12 with bit 7 = PM (12 AM is 0x12). */
  private int encodeHours(int hour) {
    if ((cmos[REG_B] & B_24H) != 0) {
      return encode(hour);
    }
    int h12 = hour % 12 == 0 ? 12 : hour % 12;
    return encode(h12) | (hour >= 12 ? 0x80 : 0);
  }

  private int decodeHours(int raw) {
    if ((cmos[REG_B] & B_24H) != 0) {
      return decode(raw & 0x7F) % 24;
    }
    int h12 = decode(raw & 0x7F) % 12;
    return h12 + ((raw & 0x80) != 0 ? 12 : 0);
  }

  private LocalDateTime currentTime() {
    return LocalDateTime.ofEpochSecond(localSecond(), 0, ZoneOffset.UTC);
  }

  private boolean isTimeRegister(int reg) {
    return reg == REG_SECONDS
        || reg == REG_MINUTES
        || reg == REG_HOURS
        || (reg >= REG_DAY_OF_WEEK && reg <= REG_YEAR)
        || reg == CENTURY_INDEX;
  }

  /** Copies the running time into the time registers. */
  private void snapshot() {
    LocalDateTime t = currentTime();
    cmos[REG_SECONDS] = (byte) encode(t.getSecond());
    cmos[REG_MINUTES] = (byte) encode(t.getMinute());
    cmos[REG_HOURS] = (byte) encodeHours(t.getHour());
    cmos[REG_DAY_OF_WEEK] = (byte) encode(t.getDayOfWeek().getValue() % 7 + 1); // 1 = Sunday
    cmos[REG_DAY_OF_MONTH] = (byte) encode(t.getDayOfMonth());
    cmos[REG_MONTH] = (byte) encode(t.getMonthValue());
    cmos[REG_YEAR] = (byte) encode(t.getYear() % 100);
    cmos[CENTURY_INDEX] = (byte) encode(Math.floorDiv(t.getYear(), 100) % 100);
  }

  /**
   * Makes the running clock show the time registers from now on, with {@code fractionNanos} into
   * the current second. Out-of-range values are clamped (DEVNOTE: the chip would count from them
   * unpredictably; a clamp keeps the clock a valid date).
   */
  private void resumeFromRegisters(long fractionNanos) {
    int year = decode(cmos[CENTURY_INDEX] & 0xFF) * 100 + decode(cmos[REG_YEAR] & 0xFF) % 100;
    int month = Math.clamp(decode(cmos[REG_MONTH] & 0xFF), 1, 12);
    int day =
        Math.clamp(
            decode(cmos[REG_DAY_OF_MONTH] & 0xFF), 1, LocalDate.of(year, month, 1).lengthOfMonth());
    int hour = decodeHours(cmos[REG_HOURS] & 0xFF);
    int minute = decode(cmos[REG_MINUTES] & 0xFF) % 60;
    int second = decode(cmos[REG_SECONDS] & 0xFF) % 60;
    long local =
        LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
    Instant now = wallClock.instant();
    long host = now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
    offsetNanos = (local - zoneOffsetSeconds) * NANOS_PER_SECOND + fractionNanos - host;
    lastLocalSecond = localSecond();
  }

  // ---- registers ----

  private int readRegister(int reg) {
    if (isTimeRegister(reg)) {
      if (running()) {
        snapshot();
      }
      return cmos[reg] & 0xFF;
    }
    return switch (reg) {
      case REG_A -> {
        boolean uip =
            running()
                && Math.floorMod(guestNanos(), NANOS_PER_SECOND)
                    >= NANOS_PER_SECOND - UIP_WINDOW_NANOS;
        yield (cmos[REG_A] & 0x7F) | (uip ? A_UIP : 0);
      }
      case REG_C -> {
        // Reading Register C clears it, and with it IRQF and the IRQ line.
        refresh();
        int value = registerC();
        flags = 0;
        updateIrq();
        rearm();
        yield value;
      }
      case REG_D -> D_VRT; // battery good; bits 6-0 read 0
      default -> cmos[reg] & 0xFF;
    };
  }

  private void writeRegister(int reg, int value) {
    if (isTimeRegister(reg)) {
      if (running()) {
        // Written while the clock runs: the new field takes effect at once, keeping the phase.
        refresh();
        long fraction = Math.floorMod(guestNanos(), NANOS_PER_SECOND);
        snapshot();
        cmos[reg] = (byte) value;
        resumeFromRegisters(fraction);
        rearm();
      } else {
        cmos[reg] = (byte) value;
      }
      return;
    }
    switch (reg) {
      case REG_A -> {
        refresh();
        boolean wasRunning = running();
        boolean dividerWas = dividerRunning();
        int oldRs = effectiveRateSelect();
        if (wasRunning) {
          snapshot();
        }
        cmos[REG_A] = (byte) (value & 0x7F); // UIP is read-only
        if (!dividerWas && dividerRunning()) {
          // Leaving divider reset: "the first update cycle begins one-half second later".
          periodicOriginNanos = time.nanoTime();
          if (running()) {
            resumeFromRegisters(NANOS_PER_SECOND / 2);
          }
        }
        if (oldRs != effectiveRateSelect() || !dividerWas) {
          lastPeriodicIndex = periodicIndex(time.nanoTime());
        }
        updateIrq();
        rearm();
      }
      case REG_B -> {
        refresh();
        boolean wasRunning = running();
        long fraction = Math.floorMod(guestNanos(), NANOS_PER_SECOND);
        if (wasRunning) {
          snapshot();
        }
        if ((value & B_SET) != 0) {
          value &= ~B_UIE; // "UIE is cleared to 0 by the SET bit going to 1"
        }
        cmos[REG_B] = (byte) value;
        if (!wasRunning && running()) {
          resumeFromRegisters(fraction); // SET cleared: the divider kept its phase
        }
        updateIrq();
        rearm();
      }
      case REG_C, REG_D -> {} // read-only
      default -> cmos[reg] = (byte) value; // alarms and RAM
    }
    if (reg == REG_SECONDS_ALARM || reg == REG_MINUTES_ALARM || reg == REG_HOURS_ALARM) {
      rearm();
    }
  }
}
