/**
 * PCI configuration space: the registry of functions ({@link io.parasol.paravisor.pci.PciRoot}),
 * the two ways a guest reaches it (configuration mechanism #1 at ports 0xCF8/0xCFC and PCIe ECAM),
 * a reusable type-0 header ({@link io.parasol.paravisor.pci.PciConfigSpace}) and the host bridge at
 * 00:00.0. Not here: BAR decoding into the MMIO/port bus, INTx routing and MSI (devices do that).
 */
package io.parasol.paravisor.pci;
