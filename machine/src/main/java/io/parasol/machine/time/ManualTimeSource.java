package io.parasol.machine.time;

import java.util.ArrayList;
import java.util.List;

/**
 * A time source that moves only when told: {@link #advance} fires every timer that falls due, in
 * deadline order, on the calling thread. Device tests use it to step time exactly and never sleep.
 */
public final class ManualTimeSource implements TimeSource {
  private long now;
  private final List<ManualTimer> timers = new ArrayList<>();

  public ManualTimeSource() {
    this(0);
  }

  public ManualTimeSource(long startNanos) {
    this.now = startNanos;
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Timer newTimer(String name, Runnable callback) {
    ManualTimer timer = new ManualTimer(callback);
    timers.add(timer);
    return timer;
  }

  /**
   * Moves the clock forward by {@code nanos}, firing due timers (and timers they re-arm) in order.
   */
  public void advance(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("time runs forward: " + nanos);
    }
    long target;
    synchronized (this) {
      target = now + nanos;
    }
    while (true) {
      ManualTimer next = null;
      synchronized (this) {
        for (ManualTimer t : timers) {
          if (t.armed && t.deadline <= target && (next == null || t.deadline < next.deadline)) {
            next = t;
          }
        }
        if (next == null) {
          now = target;
          return;
        }
        now = Math.max(now, next.deadline);
        next.armed = false;
      }
      next.callback.run();
    }
  }

  private final class ManualTimer implements Timer {
    private final Runnable callback;
    private boolean armed;
    private long deadline;

    ManualTimer(Runnable callback) {
      this.callback = callback;
    }

    @Override
    public void armAt(long deadlineNanos) {
      synchronized (ManualTimeSource.this) {
        deadline = deadlineNanos;
        armed = true;
      }
    }

    @Override
    public void cancel() {
      synchronized (ManualTimeSource.this) {
        armed = false;
      }
    }

    @Override
    public boolean isArmed() {
      synchronized (ManualTimeSource.this) {
        return armed;
      }
    }
  }
}
