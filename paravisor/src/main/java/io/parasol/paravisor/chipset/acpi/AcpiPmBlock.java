package io.parasol.paravisor.chipset.acpi;

import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.LogRateLimiter;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.TimeSource;
import io.parasol.machine.time.Timer;
import io.parasol.paravisor.chipset.PowerControl;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACPI PM1a event block (PM1_STS, PM1_EN; 4 bytes at base), PM1a control block (PM1_CNT; 2 bytes at
 * base + 4) and PM timer (PM_TMR; 4 bytes at base + 8), per ACPI 6.5 §4.8.3. The FADT must say:
 * PM1a_EVT_BLK = base, PM1_EVT_LEN = 4, PM1a_CNT_BLK = base + 4, PM1_CNT_LEN = 2, PM_TMR_BLK = base
 * + 8, PM_TMR_LEN = 4, flags without TMR_VAL_EXT (the timer is 24 bits), SMI_CMD = 0.
 *
 * <p>SCI_EN is hard-wired to 1: there is no SMI_CMD port and no legacy (SMM) mode to leave, so the
 * system is always in ACPI mode (ACPI 6.5 §4.8.2.5 and FADT SMI_CMD = 0). The SCI line is high
 * while any status bit and its enable bit are both set. Writing SLP_EN with SLP_TYP = {@link
 * #S5_SLP_TYP} powers off; other sleep types are not supported and are ignored (the DSDT offers
 * only {@code _S5}).
 *
 * <p>Registers accept byte, word or dword accesses anywhere inside their block.
 */
public final class AcpiPmBlock implements PortIoDevice {
  /** The base QEMU's firmware and ours use for PIIX4/ICH9 PM I/O. */
  public static final int DEFAULT_BASE_PORT = 0x600;

  /** SLP_TYPx value of S5 (soft off), as QEMU's DSDT {@code _S5} package has it for PIIX4. */
  public static final int S5_SLP_TYP = 0;

  /** The PM timer's frequency (ACPI 6.5 §4.8.3.3). */
  public static final long PM_TIMER_HZ = 3_579_545L;

  /** FADT TMR_VAL_EXT: false, the PM timer is 24 bits. */
  public static final boolean TMR_VAL_EXT = false;

  // PM1_STS / PM1_EN bits (ACPI 6.5 Tables 4.16, 4.17).
  public static final int TMR_STS = 1 << 0;
  public static final int PWRBTN_STS = 1 << 8;
  public static final int WAK_STS = 1 << 15;
  static final int TMR_EN = 1 << 0;
  static final int PWRBTN_EN = 1 << 8;
  private static final int EN_WRITABLE = TMR_EN | 1 << 5 | PWRBTN_EN | 1 << 9 | 1 << 10;
  // PM1_CNT bits (Table 4.18).
  public static final int SCI_EN = 1 << 0;
  static final int BM_RLD = 1 << 1;
  static final int SLP_TYP_SHIFT = 10;
  public static final int SLP_EN = 1 << 13;

  private static final int TIMER_BITS = 24;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger(AcpiPmBlock.class);

  private final IoRegion eventRegion;
  private final IoRegion controlRegion;
  private final IoRegion timerRegion;
  private final TimeSource time;
  private final long originNanos;
  private final InterruptLine sci;
  private final PowerControl power;
  private final Timer overflowTimer;
  private final LogRateLimiter logLimiter = new LogRateLimiter(5, 1_000_000_000L);

  private int status; // PM1_STS bits other than TMR_STS
  private long timerEpoch; // TMR_STS is set once the counter's bit 23 toggles past this
  private int enable;
  private int control = SCI_EN;
  private boolean sciLevel;

  /**
   * @param basePort start of the 12 ports ({@link #DEFAULT_BASE_PORT})
   * @param time drives the PM timer
   * @param sci the System Control Interrupt
   * @param power told when the guest enters S5
   */
  public AcpiPmBlock(int basePort, TimeSource time, InterruptLine sci, PowerControl power) {
    this.time = Objects.requireNonNull(time, "time");
    this.sci = Objects.requireNonNull(sci, "sci");
    this.power = Objects.requireNonNull(power, "power");
    this.eventRegion = new IoRegion("acpi-pm1a-evt", basePort, 4);
    this.controlRegion = new IoRegion("acpi-pm1a-cnt", basePort + 4, 2);
    this.timerRegion = new IoRegion("acpi-pm-tmr", basePort + 8, 4);
    this.originNanos = time.nanoTime();
    this.overflowTimer = time.newTimer("acpi-pm-timer", this::onTimer);
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(eventRegion, controlRegion, timerRegion);
  }

  /** The host pressed the power button: sets PWRBTN_STS (ACPI 6.5 §4.8.2.2.1.1). */
  public synchronized void pressPowerButton() {
    status |= PWRBTN_STS;
    updateSci();
  }

  @Override
  public synchronized IoStatus readPort(IoRegion region, int offset, IoData data) {
    int width = data.size().bytes();
    if (offset < 0 || offset + width > region.length()) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    long value = registerValue(region);
    data.setValue(value >>> (8 * offset));
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion region, int offset, IoData data) {
    int width = data.size().bytes();
    if (offset < 0 || offset + width > region.length()) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    long laneMask = data.size().mask() << (8 * offset);
    long value = data.value() << (8 * offset);
    if (region == eventRegion) {
      int clear = (int) (value & laneMask & 0xFFFF); // PM1_STS: write 1 to clear
      if ((clear & TMR_STS) != 0) {
        timerEpoch = ticks() >>> (TIMER_BITS - 1);
      }
      status &= ~clear;
      int enMask = (int) (laneMask >>> 16) & 0xFFFF;
      enable = (enable & ~enMask) | ((int) (value >>> 16) & enMask & EN_WRITABLE);
      rearm();
    } else if (region == controlRegion) {
      int mask = (int) laneMask;
      int v = (int) value;
      control = SCI_EN | (control & ~mask & ~SCI_EN) | (v & mask & (BM_RLD | 7 << SLP_TYP_SHIFT));
      if ((mask & SLP_EN) != 0 && (v & SLP_EN) != 0) {
        int slpTyp = (v >> SLP_TYP_SHIFT) & 7;
        if (slpTyp == S5_SLP_TYP) {
          power.powerOff("acpi PM1a_CNT SLP_EN with SLP_TYP S5");
        } else if (logLimiter.tryAcquire()) {
          LOG.warn("ACPI sleep type {} is not supported; ignoring SLP_EN", slpTyp);
        }
      }
    }
    // PM_TMR is read-only.
    updateSci();
    return IoStatus.OK;
  }

  private long registerValue(IoRegion region) {
    if (region == eventRegion) {
      return (currentStatus() & 0xFFFFL) | (long) enable << 16;
    }
    if (region == controlRegion) {
      return control; // SLP_EN and GBL_RLS are write-only and read 0
    }
    return ticks() & ((1L << TIMER_BITS) - 1);
  }

  private long ticks() {
    long nanos = Math.max(0, time.nanoTime() - originNanos);
    return nanos / NANOS_PER_SECOND * PM_TIMER_HZ
        + nanos % NANOS_PER_SECOND * PM_TIMER_HZ / NANOS_PER_SECOND;
  }

  private int currentStatus() {
    boolean tmr = ticks() >>> (TIMER_BITS - 1) != timerEpoch;
    return status | (tmr ? TMR_STS : 0);
  }

  private void updateSci() {
    boolean level = (control & SCI_EN) != 0 && (currentStatus() & enable) != 0;
    if (level != sciLevel) {
      sciLevel = level;
      sci.setLevel(level);
    }
  }

  private void onTimer() {
    synchronized (this) {
      updateSci();
      rearm();
    }
  }

  /** Arms a timer for the next toggle of bit 23 only while TMR_EN is set and TMR_STS is clear. */
  private void rearm() {
    if ((enable & TMR_EN) == 0 || (currentStatus() & TMR_STS) != 0) {
      overflowTimer.cancel();
      return;
    }
    long tick = (timerEpoch + 1) << (TIMER_BITS - 1);
    long nanos =
        tick / PM_TIMER_HZ * NANOS_PER_SECOND
            + (tick % PM_TIMER_HZ * NANOS_PER_SECOND + PM_TIMER_HZ - 1) / PM_TIMER_HZ;
    overflowTimer.armAt(originNanos + nanos);
  }
}
