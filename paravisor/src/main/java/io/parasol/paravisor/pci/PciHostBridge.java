package io.parasol.paravisor.pci;

/**
 * The host bridge at 00:00.0, identified as the Intel Q35 (3 Series/ICH9) memory controller hub:
 * vendor 0x8086, device 0x29C0, class 0x060000 (bridge, host), revision 0. Q35 because ECAM is a
 * PCI Express feature and QEMU's q35 machine, which guests and firmware know, pairs this identity
 * with ECAM at 0xB0000000.
 *
 * <p>DEVNOTE: only the standard header is modelled. The MCH's device-specific registers (PCIEXBAR
 * at 0x60, PAM, SMRAM) read 0 and ignore writes: the ECAM window is fixed by the VM builder and the
 * paravisor's memory map is static.
 */
public final class PciHostBridge implements PciDevice {
  public static final int VENDOR_ID = 0x8086;
  public static final int DEVICE_ID = 0x29C0;
  public static final int CLASS_CODE = 0x060000;
  public static final int REVISION_ID = 0x00;

  private final PciConfigSpace config =
      new PciConfigSpace(
          VENDOR_ID, DEVICE_ID, CLASS_CODE, REVISION_ID, PciConfigSpace.EXTENDED_SIZE);

  @Override
  public int readConfig(int register) {
    return config.readConfig(register);
  }

  @Override
  public void writeConfig(int register, int value, int byteMask) {
    config.writeConfig(register, value, byteMask);
  }
}
