package io.parasol.paravisor.pci;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import java.util.List;
import java.util.Objects;

/**
 * PCI configuration mechanism #1 (PCI 3.0 §3.2.2.3.2): CONFIG_ADDRESS at port 0xCF8 (dword accesses
 * only) and CONFIG_DATA at 0xCFC–0xCFF (byte, word or dword at the sub-offset of the byte
 * addressed).
 *
 * <p>CONFIG_ADDRESS: bit 31 enable, bits 23–16 bus, 15–11 device, 10–8 function, 7–2 register; bits
 * 1–0 read as 0 and bits 30–24 are reserved (read 0). While the enable bit is clear, CONFIG_DATA
 * reads all-ones and drops writes. The region at 0xCF8 is one port long so that byte accesses to
 * 0xCF9 reach the reset control register, as on PIIX/ICH.
 */
public final class PciConfigPorts implements PortIoDevice {
  /** CONFIG_ADDRESS. */
  public static final int CONFIG_ADDRESS_PORT = 0xCF8;

  /** CONFIG_DATA, four ports. */
  public static final int CONFIG_DATA_PORT = 0xCFC;

  private static final int ENABLE = 0x8000_0000;
  private static final int ADDRESS_MASK = 0x80FF_FFFC;

  private final IoRegion addressRegion = new IoRegion("pci-config-address", CONFIG_ADDRESS_PORT, 1);
  private final IoRegion dataRegion = new IoRegion("pci-config-data", CONFIG_DATA_PORT, 4);
  private final PciRoot root;
  private int configAddress;

  public PciConfigPorts(PciRoot root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(addressRegion, dataRegion);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion region, int offset, IoData data) {
    if (region == addressRegion) {
      if (data.size() != AccessSize.DWORD) {
        return IoStatus.INVALID_ACCESS_SIZE;
      }
      data.setValue(configAddress & 0xFFFF_FFFFL);
      return IoStatus.OK;
    }
    int width = data.size().bytes();
    if (offset + width > 4) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    if ((configAddress & ENABLE) == 0) {
      data.setValue(data.size().allOnes());
      return IoStatus.OK;
    }
    int dword = root.readConfig(bus(), device(), function(), register());
    data.setValue((dword >>> (8 * offset)) & data.size().mask());
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion region, int offset, IoData data) {
    if (region == addressRegion) {
      if (data.size() != AccessSize.DWORD) {
        return IoStatus.INVALID_ACCESS_SIZE;
      }
      configAddress = (int) data.value() & ADDRESS_MASK;
      return IoStatus.OK;
    }
    int width = data.size().bytes();
    if (offset + width > 4) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    if ((configAddress & ENABLE) != 0) {
      int byteMask = ((1 << width) - 1) << offset;
      root.writeConfig(
          bus(), device(), function(), register(), (int) data.value() << (8 * offset), byteMask);
    }
    return IoStatus.OK;
  }

  private int bus() {
    return configAddress >>> 16 & 0xFF;
  }

  private int device() {
    return configAddress >>> 11 & 0x1F;
  }

  private int function() {
    return configAddress >>> 8 & 0x7;
  }

  private int register() {
    return configAddress & 0xFC;
  }
}
