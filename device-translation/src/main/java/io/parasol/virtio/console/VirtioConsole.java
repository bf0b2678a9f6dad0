package io.parasol.virtio.console;

import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.device.DeviceContext;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.ChainReader;
import io.parasol.virtio.queue.ChainWriter;
import io.parasol.virtio.queue.DescriptorChain;
import io.parasol.virtio.queue.Virtqueue;
import io.parasol.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-port virtio console (virtio v1.2 §5.3): queue 0 (receiveq0) carries host input to the
 * guest, queue 1 (transmitq0) guest output to {@code output}. Offers VIRTIO_CONSOLE_F_SIZE (the
 * given columns and rows) and VIRTIO_CONSOLE_F_EMERG_WRITE (a byte written to emerg_wr goes out at
 * once). Host input waits, up to {@link #MAX_PENDING_INPUT} bytes, until the guest posts receive
 * buffers; more is dropped and counted.
 */
public final class VirtioConsole implements VirtioDevice {
  private static final Logger LOG = LoggerFactory.getLogger(VirtioConsole.class);

  /** §5.3: device ID 3. */
  public static final int DEVICE_ID = 3;

  static final int F_SIZE = 0;
  static final int F_EMERG_WRITE = 2;
  static final int RECEIVE_QUEUE = 0;
  static final int TRANSMIT_QUEUE = 1;
  static final int CONFIG_BYTES = 12;

  /** Host input held for the guest before it is dropped. */
  public static final int MAX_PENDING_INPUT = 64 * 1024;

  private final OutputStream output;
  private final int columns;
  private final int rows;
  private byte[] pending = new byte[0];
  private long droppedInputBytes;
  private DeviceContext context;

  public VirtioConsole(OutputStream output, int columns, int rows) {
    this.output = output;
    this.columns = columns;
    this.rows = rows;
  }

  @Override
  public int deviceId() {
    return DEVICE_ID;
  }

  @Override
  public long deviceFeatures() {
    return (1L << F_SIZE) | (1L << F_EMERG_WRITE);
  }

  @Override
  public int queueCount() {
    return 2;
  }

  @Override
  public int configSizeBytes() {
    return CONFIG_BYTES;
  }

  @Override
  public void readConfig(int offset, byte[] dst) {
    // §5.3.4 struct virtio_console_config { le16 cols; le16 rows; le32 max_nr_ports; le32 emerg_wr;
    // }
    MemorySegment c = MemorySegment.ofArray(new byte[CONFIG_BYTES]);
    c.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) columns);
    c.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) rows);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 1);
    MemorySegment.copy(c, offset, MemorySegment.ofArray(dst), 0, dst.length);
  }

  @Override
  public void writeConfig(int offset, byte[] src) {
    if (offset == 8 && src.length >= 1) {
      emit(new byte[] {src[0]}); // §5.3.6.1: emerg_wr, one character
    }
  }

  @Override
  public synchronized void activate(DeviceContext context) {
    this.context = context;
  }

  @Override
  public synchronized void queueNotify(int queue) {
    if (context == null || context.isStopped()) {
      return;
    }
    try {
      if (queue == TRANSMIT_QUEUE) {
        transmit();
      } else if (queue == RECEIVE_QUEUE) {
        deliver();
      }
    } catch (VirtqueueException | GuestMemoryException e) {
      context.needsReset("virtio-console queue " + queue + ": " + e.getMessage());
    }
  }

  private void transmit() throws VirtqueueException, GuestMemoryException {
    Virtqueue q = context.queue(TRANSMIT_QUEUE);
    if (q == null) {
      return;
    }
    for (DescriptorChain c; (c = q.pop()) != null; ) {
      ChainReader r = new ChainReader(context.memory(), c);
      // Output is copied in pieces, so a huge buffer costs no huge allocation.
      while (r.remaining() > 0) {
        emit(r.readBytes((int) Math.min(r.remaining(), 4096)));
      }
      q.pushUsed(c, 0);
    }
    context.interruptIfNeeded(TRANSMIT_QUEUE);
  }

  private void emit(byte[] bytes) {
    try {
      output.write(bytes);
      output.flush();
    } catch (IOException e) {
      LOG.warn("virtio-console output failed: {}", e.getMessage());
    }
  }

  /** Host input for the guest: delivered now if it has receive buffers, else when it posts some. */
  public synchronized void receive(byte[] input) {
    int room = MAX_PENDING_INPUT - pending.length;
    int take = Math.min(room, input.length);
    droppedInputBytes += input.length - take;
    if (take > 0) {
      byte[] joined = Arrays.copyOf(pending, pending.length + take);
      System.arraycopy(input, 0, joined, pending.length, take);
      pending = joined;
    }
    if (context != null && !context.isStopped()) {
      try {
        deliver();
      } catch (VirtqueueException | GuestMemoryException e) {
        context.needsReset("virtio-console receive: " + e.getMessage());
      }
    }
  }

  /** Host input bytes dropped because the guest did not take them. */
  public synchronized long droppedInputBytes() {
    return droppedInputBytes;
  }

  private void deliver() throws VirtqueueException, GuestMemoryException {
    Virtqueue q = context.queue(RECEIVE_QUEUE);
    if (q == null) {
      return;
    }
    boolean any = false;
    while (pending.length > 0) {
      DescriptorChain c = q.pop();
      if (c == null) {
        break;
      }
      int n = (int) Math.min(pending.length, c.writableBytes());
      ChainWriter w = new ChainWriter(context.memory(), c);
      w.write(MemorySegment.ofArray(pending).asSlice(0, n));
      q.pushUsed(c, n);
      pending = Arrays.copyOfRange(pending, n, pending.length);
      any = true;
    }
    if (any) {
      context.interruptIfNeeded(RECEIVE_QUEUE);
    }
  }

  @Override
  public synchronized void reset() {
    context = null;
    pending = new byte[0];
  }
}
