package io.parasol.paravisor.pci;

/**
 * One PCI function's configuration space, in dwords. Callers hold the function's monitor around
 * each call.
 */
public interface PciDevice {
  /**
   * Reads the dword at {@code register}, a multiple of 4 below 4096; registers past the function's
   * configuration space read 0.
   */
  int readConfig(int register);

  /**
   * Writes the byte lanes of {@code value} selected by {@code byteMask} (bit {@code i} = byte
   * {@code register + i}) to the dword at {@code register}.
   */
  void writeConfig(int register, int value, int byteMask);
}
