package io.parasol.virtio.queue;

/**
 * The driver broke the virtqueue contract (a loop, an address outside RAM, a chain too long, an
 * index that moved too far). The queue is broken from then on; the device sets {@code
 * DEVICE_NEEDS_RESET}. Messages name structure (indices, counts), never guest data.
 */
public final class VirtqueueException extends Exception {
  private static final long serialVersionUID = 1L;

  public VirtqueueException(String message) {
    super(message);
  }

  public VirtqueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
