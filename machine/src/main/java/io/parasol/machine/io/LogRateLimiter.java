package io.parasol.machine.io;

/**
 * Lets at most a fixed number of log lines through per time window, so a guest that hammers an
 * unclaimed port cannot flood the log. Thread-safe; costs one synchronized check per call.
 */
public final class LogRateLimiter {
  private final int permitsPerWindow;
  private final long windowNanos;
  private long windowStartNanos = System.nanoTime();
  private int used;
  private long suppressed;

  /**
   * @param permitsPerWindow log lines allowed in each window
   * @param windowNanos the window's length
   */
  public LogRateLimiter(int permitsPerWindow, long windowNanos) {
    this.permitsPerWindow = permitsPerWindow;
    this.windowNanos = windowNanos;
  }

  /** Whether a line may be logged now. */
  public synchronized boolean tryAcquire() {
    long now = System.nanoTime();
    if (now - windowStartNanos >= windowNanos) {
      windowStartNanos = now;
      used = 0;
    }
    if (used < permitsPerWindow) {
      used++;
      return true;
    }
    suppressed++;
    return false;
  }

  /** Lines refused since the limiter was made. */
  public synchronized long suppressed() {
    return suppressed;
  }
}
