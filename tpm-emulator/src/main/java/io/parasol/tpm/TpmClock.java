package io.parasol.tpm;

import java.util.function.LongSupplier;

/**
 * The TPM's time keeping (TPM 2.0 Library Part 1 §36 "Clock and Timer"): {@code time}, the
 * milliseconds since the last _TPM_Init, and {@code clock}, the persistent milliseconds the TPM has
 * been powered since it was last cleared, which TPM2_ClockSet may advance and TPM2_ClockRateAdjust
 * may speed up or slow down within ±15%.
 *
 * <p>The host's monotonic millisecond source is injected, so tests control time.
 */
public final class TpmClock {
  /** The nominal rate, and the coarse/medium/fine steps of the reference implementation. */
  static final int CLOCK_NOMINAL = 30000;

  static final int CLOCK_ADJUST_COARSE = 300;
  static final int CLOCK_ADJUST_MEDIUM = 30;
  static final int CLOCK_ADJUST_FINE = 1;
  static final int CLOCK_ADJUST_LIMIT = 5000;

  private final LongSupplier hostMillis;
  private long initHostMillis;
  private long lastHostMillis;
  private long clockMillis;
  private double clockFraction;
  private int rate = CLOCK_NOMINAL;
  private boolean safe = true;

  /** A clock fed by {@code hostMillis}, a monotonic millisecond counter. */
  public TpmClock(LongSupplier hostMillis) {
    this.hostMillis = hostMillis;
    this.initHostMillis = hostMillis.getAsLong();
    this.lastHostMillis = initHostMillis;
  }

  /** _TPM_Init: {@code time} starts again from zero. */
  public void onInit() {
    tick();
    initHostMillis = lastHostMillis;
    rate = CLOCK_NOMINAL;
  }

  private void tick() {
    long now = hostMillis.getAsLong();
    long elapsed = Math.max(0, now - lastHostMillis);
    lastHostMillis = now;
    double advance = elapsed * (double) CLOCK_NOMINAL / rate + clockFraction;
    long whole = (long) advance;
    clockFraction = advance - whole;
    clockMillis += whole;
  }

  /** {@code time}: milliseconds since _TPM_Init. */
  public long time() {
    tick();
    return lastHostMillis - initHostMillis;
  }

  /** {@code clock}: persistent milliseconds. */
  public long clock() {
    tick();
    return clockMillis;
  }

  /** {@code safe}: no larger clock value has been reported before. */
  public boolean safe() {
    return safe;
  }

  /** Marks the clock unsafe (after a non-orderly shutdown, Part 1 §36.5) or safe again. */
  public void setSafe(boolean safe) {
    this.safe = safe;
  }

  /** TPM2_ClockSet: moves {@code clock} forward to {@code newClock} (callers check the bounds). */
  public void set(long newClock) {
    tick();
    clockMillis = newClock;
    clockFraction = 0;
  }

  /**
   * TPM2_ClockRateAdjust ({@code TPM_CLOCK_ADJUST}, −3…+3: coarse, medium, fine, none, and the same
   * faster). Positive values speed the clock up.
   */
  public void adjustRate(int adjust) {
    tick();
    int step =
        switch (Math.abs(adjust)) {
          case 3 -> CLOCK_ADJUST_COARSE;
          case 2 -> CLOCK_ADJUST_MEDIUM;
          case 1 -> CLOCK_ADJUST_FINE;
          default -> 0;
        };
    // A faster clock means fewer host milliseconds per clock millisecond: a lower rate divisor.
    rate -= Integer.signum(adjust) * step;
    rate = Math.clamp(rate, CLOCK_NOMINAL - CLOCK_ADJUST_LIMIT, CLOCK_NOMINAL + CLOCK_ADJUST_LIMIT);
  }

  /** Clears {@code clock} (TPM2_Clear). */
  public void clear() {
    set(0);
    safe = true;
  }

  /** Restores a persisted {@code clock}. */
  void restore(long clockMillis, boolean safe) {
    tick();
    this.clockMillis = clockMillis;
    this.safe = safe;
  }
}
