package io.parasol.paravisor.chipset.uart;

import java.util.Objects;

/**
 * Keeps one host-side back end across guest reboots: the back end is connected once, and each new
 * UART (a rebooted VM has new devices) takes over its input. Bytes that arrive while no UART is
 * attached wait, as they would on an idle line with flow control.
 */
public final class ReattachableSerialBackend implements SerialBackend {
  private final SerialBackend backend;
  private SerialReceiver current;
  private boolean connected;

  public ReattachableSerialBackend(SerialBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public void connect(SerialReceiver receiver) {
    synchronized (this) {
      current = receiver;
      notifyAll();
      if (connected) {
        return;
      }
      connected = true;
    }
    backend.connect(new Forwarder());
  }

  @Override
  public void write(byte value) {
    backend.write(value);
  }

  /** Does not close the wrapped back end: its owner does. */
  @Override
  public void close() {}

  private synchronized SerialReceiver awaitReceiver() throws InterruptedException {
    while (current == null) {
      wait();
    }
    return current;
  }

  private synchronized SerialReceiver receiverOrNull() {
    return current;
  }

  private final class Forwarder implements SerialReceiver {
    @Override
    public void receive(byte value) {
      SerialReceiver r = receiverOrNull();
      if (r != null) {
        r.receive(value);
      }
    }

    @Override
    public void receiveWhenReady(byte value) throws InterruptedException {
      awaitReceiver().receiveWhenReady(value);
    }

    @Override
    public void receiveBreak() {
      SerialReceiver r = receiverOrNull();
      if (r != null) {
        r.receiveBreak();
      }
    }
  }
}
