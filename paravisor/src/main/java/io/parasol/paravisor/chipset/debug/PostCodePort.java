package io.parasol.paravisor.chipset.debug;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POST code port 0x80: remembers the last byte written and reads it back. A change of code is
 * logged at debug level; repeats are not, because Linux writes 0x80 as an I/O delay thousands of
 * times.
 */
public final class PostCodePort implements PortIoDevice {
  /** The port. */
  public static final int PORT = 0x80;

  private static final Logger LOG = LoggerFactory.getLogger(PostCodePort.class);

  private final IoRegion region = new IoRegion("post-code", PORT, 1);
  private int lastCode = 0xFF;
  private boolean written;

  @Override
  public List<IoRegion> portRegions() {
    return List.of(region);
  }

  /** The last POST code written, or 0xFF if none was. */
  public synchronized int lastCode() {
    return lastCode;
  }

  @Override
  public synchronized IoStatus readPort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    data.setValue(lastCode);
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion r, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    int code = (int) data.value() & 0xFF;
    if (!written || code != lastCode) {
      LOG.debug("POST code 0x{}", String.format("%02x", code));
    }
    written = true;
    lastCode = code;
    return IoStatus.OK;
  }
}
