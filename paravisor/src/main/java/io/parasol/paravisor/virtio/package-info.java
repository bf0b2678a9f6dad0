/**
 * The virtio-pci modern transport (virtio v1.2 §4.1): {@link
 * io.parasol.paravisor.virtio.VirtioPciFunction} puts any {@code io.parasol.virtio.device} device
 * model on the PCI bus with its capabilities, BAR, MSI-X and INTx. Not here: the device models and
 * virtqueues ({@code device-translation}), virtio-mmio, vhost-user.
 */
package io.parasol.paravisor.virtio;
