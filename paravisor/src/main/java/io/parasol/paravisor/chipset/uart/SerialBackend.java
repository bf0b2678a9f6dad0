package io.parasol.paravisor.chipset.uart;

/**
 * The host end of a serial port: where transmitted bytes go and where received bytes come from.
 *
 * <p>{@link #write} is called by the UART under its monitor, on a vCPU thread: it must not block
 * for long. Input is pushed into the {@link SerialReceiver} handed over by {@link #connect}, from
 * any thread but the UART's callers.
 */
public interface SerialBackend extends AutoCloseable {
  /**
   * Called once by the UART this backend serves, when the UART is made. A backend that produces
   * input starts doing so from here.
   */
  void connect(SerialReceiver receiver);

  /** One byte the guest transmitted. */
  void write(byte value);

  /** Stops input threads and releases host resources; the default does nothing. */
  @Override
  default void close() {}
}
