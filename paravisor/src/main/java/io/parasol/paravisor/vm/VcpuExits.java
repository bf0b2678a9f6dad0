package io.parasol.paravisor.vm;

import io.parasol.isolation.CpuIo;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoData;
import io.parasol.machine.irq.EoiListener;

/**
 * A vCPU's exits, dispatched to the chipset: port I/O and MMIO go through the {@link ChipsetBus};
 * EOIs of level-triggered vectors go to the IOAPIC. Allocation-free, so one instance serves every
 * exit of a vCPU; it counts exits per port (plain counters, written by its vCPU thread only, read
 * once the thread has ended) for the profile {@link #profile} describes.
 */
final class VcpuExits implements CpuIo {
  private final ChipsetBus bus;
  private final EoiListener eoi;
  private final int[] portExits = new int[0x10000];
  private long mmioExits;
  private long eoiExits;

  VcpuExits(ChipsetBus bus, EoiListener eoi) {
    this.bus = bus;
    this.eoi = eoi;
  }

  @Override
  public void readPort(int port, IoData data) {
    portExits[port & 0xFFFF]++;
    bus.readPort(port, data);
  }

  @Override
  public void writePort(int port, IoData data) {
    portExits[port & 0xFFFF]++;
    bus.writePort(port, data);
  }

  @Override
  public void readMmio(long gpa, IoData data) {
    mmioExits++;
    bus.readMmio(gpa, data);
  }

  @Override
  public void writeMmio(long gpa, IoData data) {
    mmioExits++;
    bus.writeMmio(gpa, data);
  }

  @Override
  public void endOfInterrupt(int vector) {
    eoiExits++;
    eoi.endOfInterrupt(vector);
  }

  /**
   * The exits this vCPU handled: the total, then the busiest ports, e.g. {@code 5210 exits: port
   * 0x3f8 3200, port 0x61 900, ..., mmio 12, eoi 40}. Call after the vCPU thread has ended.
   */
  String profile(int topPorts) {
    long total = mmioExits + eoiExits;
    for (int count : portExits) {
      total += count;
    }
    StringBuilder out = new StringBuilder().append(total).append(" exits:");
    java.util.stream.IntStream.range(0, portExits.length)
        .filter(port -> portExits[port] > 0)
        .boxed()
        .sorted((a, b) -> Integer.compare(portExits[b], portExits[a]))
        .limit(topPorts)
        .forEach(
            port ->
                out.append(" port 0x")
                    .append(Integer.toHexString(port))
                    .append(' ')
                    .append(portExits[port])
                    .append(','));
    return out.append(" mmio ").append(mmioExits).append(", eoi ").append(eoiExits).toString();
  }
}
