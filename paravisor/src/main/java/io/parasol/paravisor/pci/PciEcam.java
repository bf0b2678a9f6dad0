package io.parasol.paravisor.pci;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.MmioDevice;
import java.util.List;
import java.util.Objects;

/**
 * PCI Express Enhanced Configuration Access Mechanism (PCIe Base §7.2.2): one 4 KiB page per
 * function, at offset {@code bus << 20 | device << 15 | function << 12 | register}, covering buses
 * 0 to {@code busCount - 1}. The ACPI MCFG table describes the same base and bus range.
 *
 * <p>Accesses are byte, word or dword and must not cross a dword (PCIe config requests are at most
 * one DW); anything wider or straddling is refused.
 */
public final class PciEcam implements MmioDevice {
  /** The ECAM base QEMU's q35 machine uses, below the 32-bit PCI hole. */
  public static final long DEFAULT_BASE = 0xB000_0000L;

  /**
   * Buses in the default window: one. Parasol's devices all sit on bus 0 behind no bridges, and the
   * MCFG and the host bridge's {@code _CRS} say so (cloud-hypervisor does the same). An MCFG for
   * buses 0-255 makes Linux probe every one of them for peer root buses at boot ({@code
   * pcibios_fixup_peer_bridges}: 32 slots on each of 255 empty buses, 16,320 port exits, over a
   * second in the nested lab).
   */
  public static final int DEFAULT_BUS_COUNT = 1;

  /** Bytes of the default window: 1 MiB per bus. */
  public static final long DEFAULT_SIZE_BYTES = (long) DEFAULT_BUS_COUNT << 20;

  private final IoRegion region;
  private final PciRoot root;

  /**
   * @param root the functions to reach
   * @param baseGpa where the window starts, 1 MiB aligned
   * @param busCount 1–256 buses, 1 MiB of window each
   */
  public PciEcam(PciRoot root, long baseGpa, int busCount) {
    this.root = Objects.requireNonNull(root, "root");
    if (busCount < 1 || busCount > PciRoot.BUSES) {
      throw new IllegalArgumentException("bus count " + busCount);
    }
    long length = (long) busCount << 20;
    if (baseGpa < 0 || baseGpa % (1L << 20) != 0) {
      throw new IllegalArgumentException(
          "ECAM base 0x" + Long.toHexString(baseGpa) + " is not aligned");
    }
    this.region = new IoRegion("pci-ecam", baseGpa, length);
  }

  @Override
  public List<IoRegion> mmioRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readMmio(IoRegion r, long offset, IoData data) {
    IoStatus status = check(offset, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int shift = 8 * (int) (offset & 3);
    int dword = root.readConfig(bus(offset), device(offset), function(offset), register(offset));
    data.setValue((dword >>> shift) & data.size().mask());
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writeMmio(IoRegion r, long offset, IoData data) {
    IoStatus status = check(offset, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int sub = (int) (offset & 3);
    int byteMask = ((1 << data.size().bytes()) - 1) << sub;
    root.writeConfig(
        bus(offset),
        device(offset),
        function(offset),
        register(offset),
        (int) data.value() << (8 * sub),
        byteMask);
    return IoStatus.OK;
  }

  private IoStatus check(long offset, AccessSize size) {
    if (size == AccessSize.QWORD) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (offset < 0 || offset >= region.length()) {
      return IoStatus.INVALID_REGISTER;
    }
    if ((offset & 3) + size.bytes() > 4) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    return IoStatus.OK;
  }

  private static int bus(long offset) {
    return (int) (offset >>> 20) & 0xFF;
  }

  private static int device(long offset) {
    return (int) (offset >>> 15) & 0x1F;
  }

  private static int function(long offset) {
    return (int) (offset >>> 12) & 0x7;
  }

  private static int register(long offset) {
    return (int) offset & 0xFFC;
  }
}
