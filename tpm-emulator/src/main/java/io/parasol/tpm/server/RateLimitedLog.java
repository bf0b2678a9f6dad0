package io.parasol.tpm.server;

import org.slf4j.Logger;

/**
 * Warnings about misbehaving clients, at most {@code burst} per minute: a client looping on bad
 * input cannot flood the log. What is dropped is counted and reported with the next line let
 * through. Messages carry codes and lengths only, never command bytes (they may be guest data).
 */
final class RateLimitedLog {
  private static final long WINDOW_NANOS = 60_000_000_000L;

  private final Logger log;
  private final int burst;
  private long windowStart = System.nanoTime();
  private int inWindow;
  private long suppressed;

  RateLimitedLog(Logger log, int burst) {
    this.log = log;
    this.burst = burst;
  }

  /** Logs a warning unless this minute's allowance is used up. */
  synchronized void warn(String format, Object... arguments) {
    long now = System.nanoTime();
    if (now - windowStart >= WINDOW_NANOS) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= burst) {
      suppressed++;
      return;
    }
    inWindow++;
    if (suppressed > 0) {
      log.warn(format + " ({} similar warnings suppressed)", append(arguments, suppressed));
      suppressed = 0;
    } else {
      log.warn(format, arguments);
    }
  }

  /** Warnings dropped since the last one logged. */
  synchronized long suppressed() {
    return suppressed;
  }

  private static Object[] append(Object[] arguments, Object last) {
    Object[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
    all[arguments.length] = last;
    return all;
  }
}
