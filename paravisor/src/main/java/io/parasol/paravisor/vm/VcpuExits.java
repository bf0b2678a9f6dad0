package io.parasol.paravisor.vm;

import io.parasol.isolation.CpuIo;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoData;
import io.parasol.machine.irq.EoiListener;

/**
 * A vCPU's exits, dispatched to the chipset: port I/O and MMIO go through the {@link ChipsetBus};
 * EOIs of level-triggered vectors go to the IOAPIC. Stateless and allocation-free, so one instance
 * serves every exit of a vCPU.
 */
final class VcpuExits implements CpuIo {
  private final ChipsetBus bus;
  private final EoiListener eoi;

  VcpuExits(ChipsetBus bus, EoiListener eoi) {
    this.bus = bus;
    this.eoi = eoi;
  }

  @Override
  public void readPort(int port, IoData data) {
    bus.readPort(port, data);
  }

  @Override
  public void writePort(int port, IoData data) {
    bus.writePort(port, data);
  }

  @Override
  public void readMmio(long gpa, IoData data) {
    bus.readMmio(gpa, data);
  }

  @Override
  public void writeMmio(long gpa, IoData data) {
    bus.writeMmio(gpa, data);
  }

  @Override
  public void endOfInterrupt(int vector) {
    eoi.endOfInterrupt(vector);
  }
}
