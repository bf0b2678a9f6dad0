package io.parasol.machine.time;

/** A one-shot timer of a {@link TimeSource}. Re-arm it from its callback for periodic behaviour. */
public interface Timer {
  /**
   * Arms (or re-arms) the timer to fire once at {@code deadlineNanos} on the source's clock; a
   * deadline in the past fires as soon as possible.
   */
  void armAt(long deadlineNanos);

  /** Disarms the timer; a callback already running is not interrupted. */
  void cancel();

  /** Whether the timer is armed and has not fired. */
  boolean isArmed();
}
