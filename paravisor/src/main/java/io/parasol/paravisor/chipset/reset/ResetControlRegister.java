package io.parasol.paravisor.chipset.reset;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.paravisor.chipset.PowerControl;
import java.util.List;
import java.util.Objects;

/**
 * Reset Control Register, port 0xCF9 (Intel ICH9 datasheet §13.7.5 "RST_CNT", PIIX4 "RC"): bit 1
 * SYS_RST (hard rather than soft reset), bit 2 RST_CPU (a 0→1 transition starts the reset), bit 3
 * FULL_RST (power-cycle). Bits 1–3 read back as written; the others read 0.
 *
 * <p>Byte accesses only. {@link io.parasol.paravisor.pci.PciConfigPorts} claims 0xCF8 as a one-port
 * region so this register can sit at 0xCF9, as on the real chipsets.
 */
public final class ResetControlRegister implements PortIoDevice {
  /** The port. */
  public static final int PORT = 0xCF9;

  static final int SYS_RST = 0x02;
  static final int RST_CPU = 0x04;
  static final int FULL_RST = 0x08;

  private final IoRegion region = new IoRegion("reset-control", PORT, 1);
  private final PowerControl power;
  private int value;

  public ResetControlRegister(PowerControl power) {
    this.power = Objects.requireNonNull(power, "power");
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    data.setValue(value);
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    int next = (int) data.value() & (SYS_RST | RST_CPU | FULL_RST);
    boolean start = (value & RST_CPU) == 0 && (next & RST_CPU) != 0;
    value = next;
    if (start) {
      String kind = (next & FULL_RST) != 0 ? "full" : (next & SYS_RST) != 0 ? "hard" : "soft";
      power.reset(String.format("port 0xCF9 %s reset (0x%02x)", kind, next));
    }
    return IoStatus.OK;
  }
}
