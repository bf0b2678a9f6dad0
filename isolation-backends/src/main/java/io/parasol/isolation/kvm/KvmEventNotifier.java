package io.parasol.isolation.kvm;

import io.parasol.isolation.EventNotifier;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.kvm.sys.LibC;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An eventfd registered with KVM as an ioeventfd or irqfd. Closing it first unregisters it (the
 * partition's deassign action), then closes the eventfd; it happens once.
 */
final class KvmEventNotifier implements EventNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(KvmEventNotifier.class);

  /** Unregisters the eventfd from KVM. */
  interface Deassign {
    void run() throws HypervisorException;
  }

  private final int fd;
  private final String description;
  private final KvmPartition owner;
  private volatile Deassign deassign;
  private final AtomicBoolean closed = new AtomicBoolean();

  KvmEventNotifier(int fd, String description, KvmPartition owner) {
    this.fd = fd;
    this.description = description;
    this.owner = owner;
  }

  void setDeassign(Deassign deassign) {
    this.deassign = deassign;
  }

  @Override
  public int fd() {
    return fd;
  }

  @Override
  public void signal() throws HypervisorException {
    LibC.eventfdWrite(fd, 1);
  }

  @Override
  public long await() throws HypervisorException {
    return LibC.eventfdRead(fd, true);
  }

  @Override
  public long poll() throws HypervisorException {
    return LibC.eventfdRead(fd, false);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Deassign d = deassign;
    if (d != null) {
      try {
        d.run();
      } catch (HypervisorException e) {
        LOG.warn("could not unregister {}: {}", description, e.getMessage());
      }
    }
    LibC.close(fd);
    owner.forget(this);
  }

  @Override
  public String toString() {
    return description + " (eventfd " + fd + ")";
  }
}
