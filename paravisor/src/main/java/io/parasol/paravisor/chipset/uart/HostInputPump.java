package io.parasol.paravisor.chipset.uart;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies host input into a UART on a daemon platform thread, with back-pressure: each byte waits
 * for room in the receive FIFO ({@link SerialReceiver#receiveWhenReady}), so nothing is dropped
 * while the guest is slow to read.
 */
final class HostInputPump {
  private static final Logger LOG = LoggerFactory.getLogger(HostInputPump.class);

  private HostInputPump() {}

  /** Starts a thread named {@code name} that pumps {@code in} into {@code receiver} until EOF. */
  static Thread start(String name, InputStream in, SerialReceiver receiver) {
    Thread thread =
        Thread.ofPlatform().name(name).daemon().unstarted(() -> pump(name, in, receiver));
    thread.start();
    return thread;
  }

  /** Copies until EOF, an I/O error or interruption; returns normally in every case. */
  static void pump(String name, InputStream in, SerialReceiver receiver) {
    byte[] buffer = new byte[256];
    try {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          receiver.receiveWhenReady(buffer[i]);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.debug("{}: input ended: {}", name, e.toString());
    }
  }
}
