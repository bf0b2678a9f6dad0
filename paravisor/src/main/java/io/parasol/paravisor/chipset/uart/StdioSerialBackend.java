package io.parasol.paravisor.chipset.uart;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial port on the host's terminal: output to standard output, unbuffered so prompts show at
 * once; input from standard input, read on a daemon platform thread that waits for room in the
 * UART's receive FIFO rather than drop a byte. The terminal's mode (raw or cooked) is the caller's
 * business.
 */
public final class StdioSerialBackend implements SerialBackend {
  private static final Logger LOG = LoggerFactory.getLogger(StdioSerialBackend.class);

  private final InputStream in;
  private final OutputStream out;
  private Thread inputThread;
  private boolean writeFailed;

  /** A backend on the process's standard input and output file descriptors. */
  public static StdioSerialBackend system() {
    return new StdioSerialBackend(
        new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
  }

  /**
   * A backend on the given streams.
   *
   * @param in where input comes from; read on its own thread until EOF
   * @param out where transmitted bytes go; flushed after every byte
   */
  public StdioSerialBackend(InputStream in, OutputStream out) {
    this.in = Objects.requireNonNull(in, "in");
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public synchronized void connect(SerialReceiver receiver) {
    if (inputThread != null) {
      throw new IllegalStateException("backend already connected to a UART");
    }
    inputThread = HostInputPump.start("serial-stdin", in, receiver);
  }

  @Override
  public synchronized void write(byte value) {
    try {
      out.write(value);
      out.flush();
    } catch (IOException e) {
      if (!writeFailed) { // the guest keeps writing: say it once
        writeFailed = true;
        LOG.warn("serial output to stdout failed, dropping output: {}", e.toString());
      }
    }
  }

  /** Interrupts the input thread (a thread blocked reading a terminal ends with the process). */
  @Override
  public synchronized void close() {
    if (inputThread != null) {
      inputThread.interrupt();
    }
  }
}
