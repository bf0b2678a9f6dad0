/**
 * The PC serial ports: a National/TI PC16550D UART ({@link
 * io.parasol.paravisor.chipset.uart.Uart16550}), the four standard COM port assignments ({@link
 * io.parasol.paravisor.chipset.uart.PcComPort}) and the host ends a UART talks to ({@link
 * io.parasol.paravisor.chipset.uart.SerialBackend}: stdio, an append-only file, a Unix domain
 * socket, and an in-memory capture for tests).
 *
 * <p>Not here: baud-rate timing of transmission (bytes leave instantly), or which IRQ a port is
 * wired to (the wiring code decides; {@link io.parasol.paravisor.chipset.uart.PcComPort} only
 * documents the PC convention).
 */
package io.parasol.paravisor.chipset.uart;
