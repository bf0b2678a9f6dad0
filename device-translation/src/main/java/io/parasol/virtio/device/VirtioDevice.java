package io.parasol.virtio.device;

/**
 * A virtio device model, independent of transport (virtio v1.2 §5). The transport owns status,
 * feature and queue registers ({@link VirtioTransportCore}); the device supplies what is
 * device-specific and does the work once activated.
 *
 * <p>Guest-caused errors never leave a device: it answers the request with an error status or calls
 * {@link DeviceContext#needsReset}.
 */
public interface VirtioDevice {
  /** The virtio device ID (§5: 1 net, 2 block, 3 console, 4 entropy, 19 socket). */
  int deviceId();

  /**
   * The device-specific feature bits (and any generic ones only the device can decide, such as
   * VIRTIO_F_ACCESS_PLATFORM). The core adds VERSION_1 and the ring features itself.
   */
  long deviceFeatures();

  /**
   * Whether the device accepts the driver's {@code features} at FEATURES_OK (they are already a
   * subset of what was offered); a device with dependent features checks them here.
   */
  default boolean acceptFeatures(long features) {
    return true;
  }

  /** The number of virtqueues. */
  int queueCount();

  /** The largest size the driver may give queue {@code queue}. */
  default int maxQueueSize(int queue) {
    return 256;
  }

  /** The device configuration space's size in bytes. */
  int configSizeBytes();

  /** Reads {@code dst.length} bytes of config space at {@code offset} (already bounds-checked). */
  void readConfig(int offset, byte[] dst);

  /** Writes config space; the default ignores writes (most fields are read-only). */
  default void writeConfig(int offset, byte[] src) {}

  /** DRIVER_OK: starts work with the driver's queues. */
  void activate(DeviceContext context);

  /** Queue {@code queue} was notified by the driver (§2.9 / transport notify). */
  void queueNotify(int queue);

  /**
   * As {@link #queueNotify}, but called on a transport's own I/O thread (one woken by an
   * ioeventfd), never on a vCPU: the device may do the queue's work right here instead of handing
   * it to a thread of its own. The default hands it on as {@link #queueNotify} does.
   */
  default void queueNotifyOnIoThread(int queue) {
    queueNotify(queue);
  }

  /**
   * Stops all work and forgets the queues: after this returns the device touches guest memory no
   * more. Called on driver reset, and on a NEEDS_RESET device that the driver resets.
   */
  void reset();
}
