package io.parasol.paravisor.chipset.uart;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial port whose output is appended to a file (a console log). It has no input. Each byte is
 * written through at once, so the log is complete up to the moment the VM stops, however it stops.
 */
public final class FileSerialBackend implements SerialBackend {
  private static final Logger LOG = LoggerFactory.getLogger(FileSerialBackend.class);

  private final Path path;
  private final FileChannel channel;
  private final ByteBuffer one = ByteBuffer.allocate(1);
  private boolean writeFailed;

  /**
   * Opens {@code path} for appending, creating it if needed.
   *
   * @throws IOException when the file cannot be opened
   */
  public FileSerialBackend(Path path) throws IOException {
    this.path = path;
    this.channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public void connect(SerialReceiver receiver) {
    // No input from a file.
  }

  @Override
  public synchronized void write(byte value) {
    one.clear();
    one.put(value).flip();
    try {
      while (one.hasRemaining()) {
        channel.write(one);
      }
    } catch (IOException e) {
      if (!writeFailed) {
        writeFailed = true;
        LOG.warn("serial output to {} failed, dropping output: {}", path, e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("closing serial log {} failed: {}", path, e.toString());
    }
  }
}
