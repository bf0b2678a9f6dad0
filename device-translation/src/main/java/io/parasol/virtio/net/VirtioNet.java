package io.parasol.virtio.net;

import io.parasol.bounce.HostBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.device.DeviceContext;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.ChainReader;
import io.parasol.virtio.queue.ChainWriter;
import io.parasol.virtio.queue.DescriptorChain;
import io.parasol.virtio.queue.Virtqueue;
import io.parasol.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio-net device (virtio v1.2 §5.1), one queue pair: receiveq1 (queue 0) and transmitq1 (queue
 * 1). It offers mergeable receive buffers, and checksum and TCP segmentation offloads in a
 * direction only when the backend supports them ({@link NetBackend#supportedOffloads}). Every
 * header is checked against what was negotiated, in both directions; a frame that fails is dropped
 * and counted, never passed on.
 *
 * <p>Transmit runs on a worker thread per device; receive on a thread that reads the backend and
 * waits for the guest's receive buffers. Frames pass through {@link HostBufferPool} memory only.
 */
public final class VirtioNet implements VirtioDevice, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VirtioNet.class);

  /** §5.1: device ID 1. */
  public static final int DEVICE_ID = 1;

  static final int F_CSUM = 0;
  static final int F_GUEST_CSUM = 1;
  static final int F_MTU = 3;
  static final int F_MAC = 5;
  static final int F_GUEST_TSO4 = 7;
  static final int F_GUEST_TSO6 = 8;
  static final int F_HOST_TSO4 = 11;
  static final int F_HOST_TSO6 = 12;
  static final int F_MRG_RXBUF = 15;
  static final int F_STATUS = 16;

  static final int RX_QUEUE = 0;
  static final int TX_QUEUE = 1;
  static final int CONFIG_BYTES = 12;
  static final int MTU = 1500;
  static final int MIN_FRAME = 14;

  /** The largest frame: a 64 KiB TCP segment plus Ethernet and VLAN headers. */
  public static final int MAX_FRAME = 65535 + 18;

  private final NetBackend backend;
  private final byte[] mac;
  private final HostBuffer txBuffer;
  private final HostBuffer rxBuffer;
  private final ExecutorService txWorker;
  private final Thread rxThread;
  private final AtomicInteger txPending = new AtomicInteger();
  private final Object lock = new Object();
  private volatile DeviceContext context;
  private volatile boolean closed;
  private boolean rxBusy; // the receive thread is writing into the guest's buffers
  private int rxOffloads;
  private int txOffloads;

  private final AtomicLong txPackets = new AtomicLong();
  private final AtomicLong txDropped = new AtomicLong();
  private final AtomicLong rxPackets = new AtomicLong();
  private final AtomicLong rxDropped = new AtomicLong();

  /**
   * A device with MAC address {@code mac} over {@code backend}, taking its two frame buffers from
   * {@code pool}.
   */
  public VirtioNet(NetBackend backend, byte[] mac, HostBufferPool pool)
      throws InterruptedException {
    if (mac.length != 6) {
      throw new IllegalArgumentException("MAC of " + mac.length + " bytes");
    }
    this.backend = backend;
    this.mac = mac.clone();
    this.txBuffer = pool.acquireContiguous(NetHeader.BYTES + MAX_FRAME);
    this.rxBuffer = pool.acquireContiguous(NetHeader.BYTES + MAX_FRAME);
    this.txWorker =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("parasol-virtio-net-tx").factory());
    this.rxThread =
        Thread.ofPlatform().daemon().name("parasol-virtio-net-rx").start(this::receiveLoop);
  }

  /** The pool bytes one device needs. */
  public static long poolBytes() {
    long chunks =
        (NetHeader.BYTES + MAX_FRAME + HostBufferPool.CHUNK_BYTES - 1) / HostBufferPool.CHUNK_BYTES;
    return 2 * chunks * HostBufferPool.CHUNK_BYTES;
  }

  @Override
  public int deviceId() {
    return DEVICE_ID;
  }

  @Override
  public long deviceFeatures() {
    int off = backend.supportedOffloads();
    long f = bit(F_MAC) | bit(F_MTU) | bit(F_STATUS) | bit(F_MRG_RXBUF);
    if ((off & NetBackend.OFFLOAD_CSUM) != 0) {
      f |= bit(F_CSUM) | bit(F_GUEST_CSUM);
      if ((off & NetBackend.OFFLOAD_TSO4) != 0) {
        f |= bit(F_HOST_TSO4) | bit(F_GUEST_TSO4);
      }
      if ((off & NetBackend.OFFLOAD_TSO6) != 0) {
        f |= bit(F_HOST_TSO6) | bit(F_GUEST_TSO6);
      }
    }
    return f;
  }

  /** §5.1.3.1: segmentation offloads need the matching checksum offload. */
  @Override
  public boolean acceptFeatures(long features) {
    boolean csum = (features & bit(F_CSUM)) != 0;
    boolean guestCsum = (features & bit(F_GUEST_CSUM)) != 0;
    boolean hostTso = (features & (bit(F_HOST_TSO4) | bit(F_HOST_TSO6))) != 0;
    boolean guestTso = (features & (bit(F_GUEST_TSO4) | bit(F_GUEST_TSO6))) != 0;
    return (csum || !hostTso) && (guestCsum || !guestTso);
  }

  private static long bit(int n) {
    return 1L << n;
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
    // §5.1.4 struct virtio_net_config { mac[6]; le16 status; le16 max_virtqueue_pairs; le16 mtu; }
    MemorySegment c = MemorySegment.ofArray(new byte[CONFIG_BYTES]);
    MemorySegment.copy(MemorySegment.ofArray(mac), 0, c, 0, 6);
    c.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) 1); // VIRTIO_NET_S_LINK_UP
    c.set(ValueLayout.JAVA_SHORT_UNALIGNED, 8, (short) 1);
    c.set(ValueLayout.JAVA_SHORT_UNALIGNED, 10, (short) MTU);
    MemorySegment.copy(c, offset, MemorySegment.ofArray(dst), 0, dst.length);
  }

  @Override
  public void activate(DeviceContext ctx) {
    long f = ctx.negotiatedFeatures();
    int rx = 0;
    int tx = 0;
    if ((f & bit(F_GUEST_CSUM)) != 0) {
      rx |= NetBackend.OFFLOAD_CSUM;
    }
    if ((f & bit(F_GUEST_TSO4)) != 0) {
      rx |= NetBackend.OFFLOAD_TSO4;
    }
    if ((f & bit(F_GUEST_TSO6)) != 0) {
      rx |= NetBackend.OFFLOAD_TSO6;
    }
    if ((f & bit(F_CSUM)) != 0) {
      tx |= NetBackend.OFFLOAD_CSUM;
    }
    if ((f & bit(F_HOST_TSO4)) != 0) {
      tx |= NetBackend.OFFLOAD_TSO4;
    }
    if ((f & bit(F_HOST_TSO6)) != 0) {
      tx |= NetBackend.OFFLOAD_TSO6;
    }
    try {
      backend.setReceiveOffloads(rx);
    } catch (IOException e) {
      LOG.warn("virtio-net: setting receive offloads failed: {}", e.getMessage());
      rx = 0;
    }
    synchronized (lock) {
      rxOffloads = rx;
      txOffloads = tx;
      context = ctx;
      lock.notifyAll();
    }
  }

  @Override
  public void queueNotify(int queue) {
    if (queue == TX_QUEUE) {
      if (txPending.getAndIncrement() == 0) {
        txWorker.execute(this::transmitLoop);
      }
    } else if (queue == RX_QUEUE) {
      synchronized (lock) {
        lock.notifyAll(); // receive buffers posted
      }
    }
  }

  private void transmitLoop() {
    int seen;
    do {
      seen = txPending.get();
      DeviceContext ctx = context;
      if (ctx != null && !ctx.isStopped()) {
        transmit(ctx);
      }
    } while (txPending.addAndGet(-seen) != 0);
  }

  private void transmit(DeviceContext ctx) {
    Virtqueue q = ctx.queue(TX_QUEUE);
    if (q == null) {
      return;
    }
    try {
      while (true) {
        q.disableNotifications();
        for (DescriptorChain c; (c = q.pop()) != null; ) {
          if (ctx.isStopped()) {
            return;
          }
          transmitOne(ctx, c);
          q.pushUsed(c, 0);
        }
        ctx.interruptIfNeeded(TX_QUEUE);
        if (!q.enableNotifications() || ctx.isStopped()) {
          return;
        }
      }
    } catch (VirtqueueException | GuestMemoryException e) {
      ctx.needsReset("virtio-net transmit: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("virtio-net transmit failed", e);
      ctx.needsReset("virtio-net internal error");
    }
  }

  private void transmitOne(DeviceContext ctx, DescriptorChain c) throws GuestMemoryException {
    long len = c.readableBytes();
    if (len < NetHeader.BYTES + MIN_FRAME || len > NetHeader.BYTES + MAX_FRAME) {
      txDropped.incrementAndGet();
      return;
    }
    ChainReader r = new ChainReader(ctx.memory(), c);
    // The header is parsed from a private copy and written to the host from that copy.
    NetHeader header = NetHeader.parse(MemorySegment.ofArray(r.readBytes(NetHeader.BYTES)));
    int frame = (int) (len - NetHeader.BYTES);
    int allowed;
    synchronized (lock) {
      allowed = txOffloads;
    }
    String problem = header.problem(frame, allowed, true);
    if (problem != null) {
      txDropped.incrementAndGet();
      LOG.debug("virtio-net: dropped a transmitted frame: {}", problem);
      return;
    }
    MemorySegment out = txBuffer.contiguous();
    header.withNumBuffers(0).writeTo(out);
    r.read(out.asSlice(NetHeader.BYTES, frame));
    try {
      backend.send(out.asSlice(0, len));
      txPackets.incrementAndGet();
    } catch (IOException e) {
      txDropped.incrementAndGet();
      LOG.debug("virtio-net: send failed: {}", e.getMessage());
    }
  }

  private void receiveLoop() {
    MemorySegment in = rxBuffer.contiguous();
    while (!closed) {
      DeviceContext ctx;
      synchronized (lock) {
        ctx = context;
        if (ctx == null || ctx.isStopped()) {
          try {
            lock.wait(100);
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
      }
      try {
        int n = backend.receive(in, 100);
        if (n > 0) {
          synchronized (lock) {
            if (context != ctx) {
              rxDropped.incrementAndGet();
              continue; // reset while we were reading
            }
            rxBusy = true;
          }
          try {
            deliver(ctx, in, n);
          } finally {
            synchronized (lock) {
              rxBusy = false;
              lock.notifyAll();
            }
          }
        }
      } catch (IOException e) {
        LOG.warn("virtio-net: receive failed: {}", e.getMessage());
        sleepQuietly();
      } catch (VirtqueueException | GuestMemoryException e) {
        ctx.needsReset("virtio-net receive: " + e.getMessage());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("virtio-net receive failed", e);
        ctx.needsReset("virtio-net internal error");
      }
    }
  }

  private void sleepQuietly() {
    synchronized (lock) {
      try {
        lock.wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** §5.1.6.4: one received frame into one buffer, or several with mergeable buffers. */
  private void deliver(DeviceContext ctx, MemorySegment in, int n)
      throws VirtqueueException, GuestMemoryException, InterruptedException {
    if (n < NetHeader.BYTES + MIN_FRAME || n > NetHeader.BYTES + MAX_FRAME) {
      rxDropped.incrementAndGet();
      return;
    }
    // What the host wrote is read once: the header into a private copy that is checked and used.
    byte[] headerCopy = new byte[NetHeader.BYTES];
    MemorySegment.copy(in, 0, MemorySegment.ofArray(headerCopy), 0, NetHeader.BYTES);
    NetHeader header = NetHeader.parse(MemorySegment.ofArray(headerCopy));
    int allowed;
    synchronized (lock) {
      allowed = rxOffloads;
    }
    if (header.problem(n - NetHeader.BYTES, allowed, false) != null) {
      rxDropped.incrementAndGet();
      return;
    }
    boolean mergeable = (ctx.negotiatedFeatures() & bit(F_MRG_RXBUF)) != 0;
    Virtqueue q = ctx.queue(RX_QUEUE);
    if (q == null) {
      rxDropped.incrementAndGet();
      return;
    }
    List<DescriptorChain> chains = new ArrayList<>();
    List<Long> takes = new ArrayList<>();
    long remaining = n;
    while (remaining > 0) {
      if (ctx.isStopped() || closed) {
        return;
      }
      DescriptorChain c = q.pop();
      if (c == null) {
        if (!q.enableNotifications()) {
          synchronized (lock) {
            lock.wait(100); // until the guest posts receive buffers
          }
        }
        continue;
      }
      long room = c.writableBytes();
      boolean tooSmall = chains.isEmpty() ? room < NetHeader.BYTES : room == 0;
      if (tooSmall || (!mergeable && room < n)) {
        // The guest posted a buffer that cannot hold this frame: hand it back empty and drop.
        q.pushUsed(c, 0);
        for (int i = 0; i < chains.size(); i++) {
          q.pushUsed(chains.get(i), 0);
        }
        ctx.interruptIfNeeded(RX_QUEUE);
        rxDropped.incrementAndGet();
        return;
      }
      long take = Math.min(remaining, room);
      chains.add(c);
      takes.add(take);
      remaining -= take;
    }
    long offset = 0;
    for (int i = 0; i < chains.size(); i++) {
      ChainWriter w = new ChainWriter(ctx.memory(), chains.get(i));
      long take = takes.get(i);
      long from = offset;
      if (i == 0) {
        MemorySegment h = MemorySegment.ofArray(new byte[NetHeader.BYTES]);
        header.withNumBuffers(chains.size()).writeTo(h);
        w.write(h);
        from = NetHeader.BYTES;
      }
      w.write(in.asSlice(from, take - (from - offset)));
      offset += take;
      q.pushUsed(chains.get(i), take);
    }
    rxPackets.incrementAndGet();
    ctx.interruptIfNeeded(RX_QUEUE);
  }

  /** Frames sent to the backend. */
  public long txPackets() {
    return txPackets.get();
  }

  /** Guest frames dropped (malformed, offloads not negotiated, backend errors). */
  public long txDropped() {
    return txDropped.get();
  }

  /** Frames delivered to the guest. */
  public long rxPackets() {
    return rxPackets.get();
  }

  /** Host frames dropped (malformed, offloads the guest did not accept, buffers too small). */
  public long rxDropped() {
    return rxDropped.get();
  }

  @Override
  public void reset() {
    synchronized (lock) {
      context = null;
      lock.notifyAll();
      // The core stopped the context first, so a delivery in progress ends at its next check.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (rxBusy && System.nanoTime() < deadline) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    // Let a transmit pass that already started finish before the queues go away.
    try {
      txWorker.submit(() -> {}).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("virtio-net reset: transmit did not settle: {}", e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      context = null;
      lock.notifyAll();
    }
    rxThread.interrupt();
    try {
      rxThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    txWorker.shutdown();
    backend.close();
    txBuffer.close();
    rxBuffer.close();
  }
}
