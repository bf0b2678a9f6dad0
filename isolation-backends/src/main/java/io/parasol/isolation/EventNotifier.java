package io.parasol.isolation;

/**
 * A kernel event counter (Linux eventfd) wired to the hypervisor: for an ioeventfd the guest's
 * write signals it without an exit to userspace; for an irqfd, signalling it injects an interrupt
 * without a userspace round trip. Closing it unregisters it.
 */
public interface EventNotifier extends AutoCloseable {
  /** The file descriptor, to hand to a peer (a vhost-user back end, say). */
  int fd();

  /** Adds one to the counter. */
  void signal() throws HypervisorException;

  /** Waits until the counter is non-zero, returns it and resets it to zero. */
  long await() throws HypervisorException;

  /** Returns and clears the counter if non-zero, else 0, without waiting. */
  long poll() throws HypervisorException;

  @Override
  void close();
}
