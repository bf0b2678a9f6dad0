package io.parasol.machine.irq;

/**
 * Where message-signalled interrupts go: the local APICs. An IOAPIC turns a pin into an MSI, and a
 * PCI device's MSI/MSI-X capability hands one over directly.
 */
@FunctionalInterface
public interface MsiTarget {
  /**
   * Delivers one MSI.
   *
   * @param address the MSI address (0xFEExxxxx; destination ID and mode in the low bits)
   * @param data the MSI data (vector, delivery mode, level, trigger mode)
   */
  void signalMsi(long address, int data);
}
