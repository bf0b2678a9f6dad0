package io.parasol.paravisor.virtio;

/** How a VM presents its virtio devices to the guest. */
public enum VirtioTransport {
  /** virtio-pci modern functions, found by PCI enumeration ({@link VirtioPciFunction}). */
  PCI,
  /** virtio-mmio (Version 2) register blocks, declared in the DSDT ({@link VirtioMmioDevice}). */
  MMIO
}
