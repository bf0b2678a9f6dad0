package io.parasol.paravisor.chipset.uart;

/**
 * The receive side of a UART as a backend sees it: the serial input wire. Thread-safe; a backend
 * may call it from any thread.
 */
public interface SerialReceiver {
  /**
   * A character arrives on the wire now, as on real hardware: if the receiver has no room it is an
   * overrun (PC16550D datasheet, LSR bit 1) and a character is lost.
   */
  void receive(byte value);

  /**
   * A character arrives, but only once the receiver has room for it: the caller waits while the
   * receive FIFO (or holding register) is full, so host input is never dropped. For host input
   * threads; never call it from a vCPU thread or while holding the UART's monitor from outside.
   *
   * @throws InterruptedException when the waiting thread is interrupted; the character is dropped
   */
  void receiveWhenReady(byte value) throws InterruptedException;

  /**
   * A break condition arrives: the input was held spacing for a whole character time. The UART
   * stores a zero character with BI set (PC16550D datasheet, LSR bit 4).
   */
  void receiveBreak();
}
