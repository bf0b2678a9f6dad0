package io.parasol.paravisor.chipset.uart;

import io.parasol.machine.io.IoRegion;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.TimeSource;

/**
 * The four PC serial ports as the IBM PC/AT BIOS assigns them. The ISA IRQ is documentation for
 * whoever wires the port; the UART itself only gets an {@link InterruptLine}.
 */
public enum PcComPort {
  COM1(0x3F8, 4),
  COM2(0x2F8, 3),
  COM3(0x3E8, 4),
  COM4(0x2E8, 3);

  private final int basePort;
  private final int isaIrq;

  PcComPort(int basePort, int isaIrq) {
    this.basePort = basePort;
    this.isaIrq = isaIrq;
  }

  /** The first of the port's eight I/O ports. */
  public int basePort() {
    return basePort;
  }

  /** The ISA IRQ the port conventionally uses (COM1/COM3 IRQ 4, COM2/COM4 IRQ 3). */
  public int isaIrq() {
    return isaIrq;
  }

  /** The port's region, named e.g. {@code "com1"}. */
  public IoRegion region() {
    return new IoRegion(
        name().toLowerCase(java.util.Locale.ROOT), basePort, Uart16550.REGISTER_COUNT);
  }

  /** A UART at this port's address, driving {@code irq} (wire it to {@link #isaIrq()}). */
  public Uart16550 create(InterruptLine irq, SerialBackend backend, TimeSource time) {
    return new Uart16550(region(), irq, backend, time);
  }
}
