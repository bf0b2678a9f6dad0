package io.parasol.machine.time;

import java.util.PriorityQueue;

/**
 * The host's monotonic clock ({@link System#nanoTime()}) with timers run by one daemon platform
 * thread. Callbacks must be short: they run one after another on that thread.
 */
public final class SystemTimeSource implements TimeSource, AutoCloseable {
  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private final Thread thread;
  private boolean closed;
  private long sequence;

  private record Entry(SystemTimer timer, long deadline, long generation) {}

  public SystemTimeSource(String name) {
    thread = Thread.ofPlatform().name(name).daemon().unstarted(this::loop);
    thread.start();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Timer newTimer(String name, Runnable callback) {
    return new SystemTimer(callback);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }

  private void loop() {
    while (true) {
      SystemTimer due;
      synchronized (this) {
        while (true) {
          if (closed) {
            return;
          }
          Entry head = queue.peek();
          if (head != null && head.generation != head.timer.generation) {
            queue.poll(); // cancelled or re-armed since queued
            continue;
          }
          long wait = head == null ? Long.MAX_VALUE : head.deadline - System.nanoTime();
          if (wait <= 0) {
            queue.poll();
            head.timer.armed = false;
            due = head.timer;
            break;
          }
          try {
            if (wait == Long.MAX_VALUE) {
              wait();
            } else {
              wait(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      try {
        due.callback.run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(SystemTimeSource.class).error("timer callback failed", e);
      }
    }
  }

  private final class SystemTimer implements Timer {
    private final Runnable callback;
    private long generation;
    private boolean armed;

    SystemTimer(Runnable callback) {
      this.callback = callback;
    }

    @Override
    public void armAt(long deadlineNanos) {
      synchronized (SystemTimeSource.this) {
        generation = ++sequence;
        armed = true;
        queue.add(new Entry(this, deadlineNanos, generation));
        SystemTimeSource.this.notifyAll();
      }
    }

    @Override
    public void cancel() {
      synchronized (SystemTimeSource.this) {
        generation = ++sequence;
        armed = false;
      }
    }

    @Override
    public boolean isArmed() {
      synchronized (SystemTimeSource.this) {
        return armed;
      }
    }
  }
}
