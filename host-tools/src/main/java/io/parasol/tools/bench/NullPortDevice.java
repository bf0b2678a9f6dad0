package io.parasol.tools.bench;

import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import java.util.List;

/**
 * A port that does nothing but count writes and note when the first and last arrived, so the
 * benchmark measures the exit path alone, not guest boot or console output.
 */
public final class NullPortDevice implements PortIoDevice {
  private final List<IoRegion> regions;
  private long writes;
  private long firstWriteNanos;
  private long lastWriteNanos;

  public NullPortDevice(int port) {
    this.regions = List.of(new IoRegion("bench-null", port, 1));
  }

  @Override
  public List<IoRegion> portRegions() {
    return regions;
  }

  @Override
  public IoStatus readPort(IoRegion region, int offset, IoData data) {
    data.setValue(0);
    return IoStatus.OK;
  }

  @Override
  public IoStatus writePort(IoRegion region, int offset, IoData data) {
    long now = System.nanoTime();
    if (writes++ == 0) {
      firstWriteNanos = now;
    }
    lastWriteNanos = now;
    return IoStatus.OK;
  }

  public synchronized long writes() {
    return writes;
  }

  /** Mean nanoseconds between consecutive writes: the cost of one exit, guest loop included. */
  public synchronized double nanosPerWrite() {
    return writes < 2 ? Double.NaN : (double) (lastWriteNanos - firstWriteNanos) / (writes - 1);
  }
}
