package io.parasol.virtio.rng;

import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.device.DeviceContext;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.ChainWriter;
import io.parasol.virtio.queue.DescriptorChain;
import io.parasol.virtio.queue.Virtqueue;
import io.parasol.virtio.queue.VirtqueueException;
import java.security.SecureRandom;
import java.util.Random;

/**
 * virtio-rng (virtio v1.2 §5.4): one request queue whose device-writable buffers the device fills
 * with random bytes. Requests are served on the notifying thread, each capped at {@link
 * #MAX_BYTES_PER_REQUEST} so a huge buffer cannot stall it (the used length says how much came).
 */
public final class VirtioRng implements VirtioDevice {
  /** §5.4: device ID 4. */
  public static final int DEVICE_ID = 4;

  /** The most bytes one request gets; §5.4.6.1 lets the device return fewer than asked. */
  public static final int MAX_BYTES_PER_REQUEST = 4096;

  private final Random entropy;
  private volatile DeviceContext context;

  /** A device drawing from {@code entropy} (a {@link SecureRandom} in production). */
  public VirtioRng(Random entropy) {
    this.entropy = entropy;
  }

  /** A device drawing from a new {@link SecureRandom}. */
  public VirtioRng() {
    this(new SecureRandom());
  }

  @Override
  public int deviceId() {
    return DEVICE_ID;
  }

  @Override
  public long deviceFeatures() {
    return 0;
  }

  @Override
  public int queueCount() {
    return 1;
  }

  @Override
  public int configSizeBytes() {
    return 0;
  }

  @Override
  public void readConfig(int offset, byte[] dst) {}

  @Override
  public void activate(DeviceContext context) {
    this.context = context;
  }

  @Override
  public synchronized void queueNotify(int queue) {
    DeviceContext ctx = context;
    if (ctx == null || ctx.isStopped() || queue != 0) {
      return;
    }
    Virtqueue q = ctx.queue(0);
    try {
      for (DescriptorChain c; (c = q.pop()) != null; ) {
        int n = (int) Math.min(MAX_BYTES_PER_REQUEST, c.writableBytes());
        byte[] bytes = new byte[n];
        entropy.nextBytes(bytes);
        ChainWriter w = new ChainWriter(ctx.memory(), c);
        w.write(bytes);
        q.pushUsed(c, w.written());
      }
      ctx.interruptIfNeeded(0);
    } catch (VirtqueueException | GuestMemoryException e) {
      ctx.needsReset("virtio-rng: " + e.getMessage());
    }
  }

  @Override
  public synchronized void reset() {
    context = null;
  }
}
