package io.parasol.virtio.device;

/**
 * How a device signals its driver; the transport decides what a signal is (an MSI-X vector per
 * queue on virtio-pci, the ISR bit and INTx line, or virtio-mmio's InterruptStatus and its line).
 * Called from any thread.
 */
public interface VirtioInterrupt {
  /** An interrupt that goes nowhere. */
  VirtioInterrupt NONE =
      new VirtioInterrupt() {
        @Override
        public void signalUsedBuffers(int queue) {}

        @Override
        public void signalConfigChange() {}
      };

  /** Queue {@code queue} has used buffers the driver asked to hear about. */
  void signalUsedBuffers(int queue);

  /** The device configuration (or DEVICE_NEEDS_RESET) changed (§2.5.2, §2.1.2). */
  void signalConfigChange();
}
