package io.parasol.machine.io;

import java.util.List;

/**
 * A device reached through x86 port I/O. The bus calls a device from one thread at a time (it holds
 * the device's monitor), so a device that also changes state from a timer thread synchronises on
 * itself.
 */
public interface PortIoDevice {
  /** The port ranges this device decodes; fixed for the device's life on a bus. */
  List<IoRegion> portRegions();

  /** A guest {@code in}: set {@code data}'s value. */
  IoStatus readPort(IoRegion region, int offset, IoData data);

  /** A guest {@code out} of {@code data}'s value. */
  IoStatus writePort(IoRegion region, int offset, IoData data);
}
