package io.parasol.paravisor.chipset.debug;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bochs/QEMU debug console at port 0xE9: each byte written goes to a sink; a read returns 0xE9
 * so a guest can tell the port is there (the "port E9 hack" convention).
 */
public final class DebugConsolePort implements PortIoDevice {
  /** The port. */
  public static final int PORT = 0xE9;

  private static final Logger LOG = LoggerFactory.getLogger(DebugConsolePort.class);
  private static final int MAX_LINE = 1024;

  private final IoRegion region = new IoRegion("debugcon", PORT, 1);
  private final IntConsumer sink;

  /**
   * @param sink receives each byte (0–255), called under this device's monitor
   */
  public DebugConsolePort(IntConsumer sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * A sink that logs at info level one line per newline (or per {@value #MAX_LINE} bytes), as
   * "guest debugcon: ...". Not thread-safe: give each port its own.
   */
  public static IntConsumer loggingSink() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    return b -> {
      if (b == '\n' || line.size() >= MAX_LINE) {
        LOG.info("guest debugcon: {}", line.toString(StandardCharsets.UTF_8).stripTrailing());
        line.reset();
        if (b == '\n') {
          return;
        }
      }
      line.write(b);
    };
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    data.setValue(PORT);
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    sink.accept((int) data.value() & 0xFF);
    return IoStatus.OK;
  }
}
