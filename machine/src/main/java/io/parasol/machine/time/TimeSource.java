package io.parasol.machine.time;

/**
 * A monotonic clock and a factory for timers that fire against it.
 *
 * <p>Timer callbacks run on a thread of the time source (not a vCPU thread). A device whose timer
 * changes its state synchronises on itself in the callback, as the bus does around accesses.
 */
public interface TimeSource {
  /** Monotonic nanoseconds; only differences are meaningful. */
  long nanoTime();

  /** A new, disarmed timer that runs {@code callback} when it expires. */
  Timer newTimer(String name, Runnable callback);
}
