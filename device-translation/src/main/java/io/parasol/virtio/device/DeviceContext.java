package io.parasol.virtio.device;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.virtio.queue.Virtqueue;

/**
 * What an activated device works with, valid from {@link VirtioDevice#activate} until the device is
 * reset. Thread-safe.
 */
public interface DeviceContext {
  /** Guest memory the queues' buffers live in. */
  GuestMemory memory();

  /** The features the driver accepted (FEATURES_OK). */
  long negotiatedFeatures();

  /** Queue {@code index}, or {@code null} if the driver did not enable it. */
  Virtqueue queue(int index);

  /**
   * Pushes nothing; asks the queue whether the driver wants an interrupt for what was pushed, and
   * signals it if so. A broken queue puts the device in DEVICE_NEEDS_RESET instead.
   */
  void interruptIfNeeded(int queue);

  /** Signals a configuration change. */
  void signalConfigChange();

  /**
   * The driver broke the device's contract: set DEVICE_NEEDS_RESET, tell the driver, and stop
   * touching the queues. {@code reason} names structure, never guest data.
   */
  void needsReset(String reason);

  /** Whether the device is in DEVICE_NEEDS_RESET (or was reset): stop working if so. */
  boolean isStopped();
}
