package io.parasol.paravisor.chipset.uart;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A backend held in memory, for tests in any module: records every byte the guest transmits and
 * lets the test inject input as if it arrived on the wire. Thread-safe.
 */
public final class CapturingSerialBackend implements SerialBackend {
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private SerialReceiver receiver;

  @Override
  public synchronized void connect(SerialReceiver receiver) {
    if (this.receiver != null) {
      throw new IllegalStateException("backend already connected to a UART");
    }
    this.receiver = receiver;
  }

  @Override
  public synchronized void write(byte value) {
    written.write(value);
  }

  /** Every byte transmitted so far. */
  public synchronized byte[] written() {
    return written.toByteArray();
  }

  /** The bytes transmitted so far, decoded as ISO-8859-1 (one char per byte). */
  public synchronized String writtenText() {
    return written.toString(StandardCharsets.ISO_8859_1);
  }

  /** Forgets what was transmitted. */
  public synchronized void clear() {
    written.reset();
  }

  /**
   * Delivers {@code bytes} to the UART one after another, as on the wire: without waiting for room,
   * so more than the receiver holds overruns it.
   */
  public void inject(byte... bytes) {
    SerialReceiver target = receiver(); // never call into the UART holding our own lock
    for (byte b : bytes) {
      target.receive(b);
    }
  }

  /** Delivers the ISO-8859-1 bytes of {@code text}, as {@link #inject(byte...)}. */
  public void inject(String text) {
    inject(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Delivers a break condition. */
  public void injectBreak() {
    receiver().receiveBreak();
  }

  private synchronized SerialReceiver receiver() {
    if (receiver == null) {
      throw new IllegalStateException("backend not connected to a UART");
    }
    return receiver;
  }
}
