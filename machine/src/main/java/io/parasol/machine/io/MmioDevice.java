package io.parasol.machine.io;

import java.util.List;

/**
 * A device reached through guest-physical addresses. Same threading rule as {@link PortIoDevice}.
 */
public interface MmioDevice {
  /** The address ranges this device decodes; fixed for the device's life on a bus. */
  List<IoRegion> mmioRegions();

  /** A guest load: set {@code data}'s value. */
  IoStatus readMmio(IoRegion region, long offset, IoData data);

  /** A guest store of {@code data}'s value. */
  IoStatus writeMmio(IoRegion region, long offset, IoData data);
}
