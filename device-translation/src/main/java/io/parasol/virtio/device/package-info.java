/**
 * The transport-agnostic virtio device contract: {@link io.parasol.virtio.device.VirtioDevice}
 * (what a device model provides: ID, features, queues, config space, activate/reset), {@link
 * io.parasol.virtio.device.DeviceContext} (what an active device gets: memory, queues, interrupts,
 * NEEDS_RESET), and {@link io.parasol.virtio.device.VirtioTransportCore}, the status/feature/queue
 * state machine (virtio v1.2 §2.1-§3) that a virtio-pci or virtio-mmio register file maps onto. Not
 * here: register layouts of any transport, MSI-X, or device models.
 */
package io.parasol.virtio.device;
