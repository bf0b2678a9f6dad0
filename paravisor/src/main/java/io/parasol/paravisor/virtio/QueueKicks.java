package io.parasol.paravisor.virtio;

import io.parasol.isolation.EventNotifier;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.Partition;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue notifications of one virtio-pci function as ioeventfds: the guest's write to a queue's
 * notification address (§4.1.4.4) is counted by the hypervisor in an eventfd instead of exiting to
 * userspace, and one platform thread per queue, woken by that eventfd, hands the notification to
 * the device ({@code kick}). So device work starts off the vCPU thread, and the vCPU goes on
 * running the guest.
 *
 * <p>{@link #arm} registers one eventfd per enabled queue at {@code base + 4·q}, {@link #disarm}
 * stops the threads and unregisters them; while disarmed, notifications exit to userspace and the
 * transport's synchronous path handles them. A partition without eventfds (a heap partition)
 * refuses the first registration, after which this object stays disarmed for good. A notification
 * that lands in an eventfd while it is being unregistered is not lost: moving the eventfds kicks
 * every queue once more (a spurious notification is harmless: the device finds nothing new).
 *
 * <p>Not thread-safe: the transport calls {@link #arm} and {@link #disarm} under its monitor. The
 * kick threads never take that monitor.
 */
final class QueueKicks {
  private static final Logger LOG = LoggerFactory.getLogger(QueueKicks.class);

  /** How long disarming waits for a kick thread stuck in the device. */
  private static final long JOIN_MILLIS = 5_000;

  private final String name;
  private final Partition partition;
  private final IntConsumer kick;
  private final IntConsumer kickHere;
  private final List<Kick> kicks = new ArrayList<>();
  private boolean refused;
  private long armedBase = -1;

  /**
   * Kicks for {@code name}'s queues: {@code kick} on a kick thread, {@code kickHere} on the thread
   * that moves or removes the eventfds (a vCPU's).
   */
  QueueKicks(String name, Partition partition, IntConsumer kick, IntConsumer kickHere) {
    this.name = name;
    this.partition = partition;
    this.kick = kick;
    this.kickHere = kickHere;
  }

  /** Where the eventfds are registered (the notification area's address), or -1. */
  long armedBase() {
    return armedBase;
  }

  /** Whether eventfds serve the notifications now. */
  boolean armed() {
    return !kicks.isEmpty();
  }

  /**
   * Registers an eventfd at {@code notifyBase + stride·q} for each queue q in {@code queues}
   * (replacing any registered elsewhere); an empty list or a base of -1 disarms.
   */
  void arm(long notifyBase, int stride, List<Integer> queues) {
    if (notifyBase == armedBase && !queues.isEmpty()) {
      return;
    }
    disarm(true);
    if (notifyBase < 0 || queues.isEmpty() || refused) {
      return;
    }
    for (int q : queues) {
      long gpa = notifyBase + (long) stride * q;
      EventNotifier notifier;
      try {
        notifier = register(gpa);
      } catch (HypervisorException e) {
        refused = true;
        LOG.info("{}: queue notifications exit to userspace: {}", name, e.getMessage());
        disarm(false);
        return;
      }
      Kick k = new Kick(q, notifier);
      kicks.add(k);
      k.thread.start();
    }
    armedBase = notifyBase;
    LOG.debug("{}: ioeventfds for queues {} at 0x{}", name, queues, Long.toHexString(notifyBase));
  }

  /**
   * Any write width (KVM's "any length" MMIO ioeventfd), else the 16-bit write drivers use
   * (§4.1.5.2: the driver writes the 16-bit queue index).
   */
  private EventNotifier register(long gpa) throws HypervisorException {
    try {
      return partition.ioEventNotifier(true, gpa, 0, OptionalLong.empty());
    } catch (HypervisorException e) {
      return partition.ioEventNotifier(true, gpa, 2, OptionalLong.empty());
    }
  }

  /**
   * Stops the kick threads and unregisters their eventfds; then, if {@code kickAfter}, kicks each
   * queue once more (a driver reset needs no such kick).
   */
  void disarm(boolean kickAfter) {
    if (kicks.isEmpty()) {
      armedBase = -1;
      return;
    }
    for (Kick k : kicks) {
      k.stop();
    }
    List<Integer> queues = new ArrayList<>();
    for (Kick k : kicks) {
      k.join();
      k.notifier.close();
      queues.add(k.queue);
    }
    kicks.clear();
    armedBase = -1;
    if (kickAfter) {
      for (int q : queues) {
        kickHere.accept(q);
      }
    }
  }

  /** One queue's eventfd and the thread that waits on it. */
  private final class Kick implements Runnable {
    final int queue;
    final EventNotifier notifier;
    final Thread thread;
    private volatile boolean stopped;

    Kick(int queue, EventNotifier notifier) {
      this.queue = queue;
      this.notifier = notifier;
      // A platform thread: the blocking read is a foreign call, which would pin a virtual one.
      this.thread = Thread.ofPlatform().daemon().name(name + "-kick-" + queue).unstarted(this);
    }

    @Override
    public void run() {
      try {
        while (!stopped) {
          notifier.await();
          if (stopped) {
            return;
          }
          kick.accept(queue);
        }
      } catch (HypervisorException e) {
        if (stopped) {
          return;
        }
        // Unregistering the eventfd sends later notifications back to the exit path.
        LOG.warn(
            "{}: queue {} eventfd failed, notifications exit again: {}",
            name,
            queue,
            e.getMessage());
        notifier.close();
        kick.accept(queue);
      } catch (RuntimeException e) {
        LOG.error("{}: queue {} kick thread failed", name, queue, e);
        notifier.close();
      }
    }

    void stop() {
      stopped = true;
      try {
        notifier.signal(); // wakes the thread, which sees the flag
      } catch (HypervisorException e) {
        LOG.warn("{}: cannot wake queue {}'s kick thread: {}", name, queue, e.getMessage());
      }
    }

    void join() {
      try {
        thread.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("{}: queue {}'s kick thread is still busy in the device", name, queue);
      }
    }
  }
}
