package io.parasol.virtio.vsock;

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
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulated virtio-vsock device (virtio v1.2 §5.10), stream sockets only. The guest talks to the
 * host at CID 2; each connection is a {@link ByteChannel} from {@link VsockHost} (guest-initiated)
 * or given to {@link #connectToGuest} (host-initiated). Flow control is the spec's credit scheme in
 * both directions (§5.10.6.3): the device never sends the guest more than it advertised room for,
 * and resets a connection whose guest overruns Parasol's advertised buffer.
 *
 * <p>One worker thread does all guest-memory work (transmit queue, receive queue); per connection a
 * reader and a writer thread move bytes to and from the host channel and only exchange packets with
 * the worker, so a slow host endpoint never blocks the device.
 */
public final class VirtioVsock implements VirtioDevice, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VirtioVsock.class);

  /** §5.10: device ID 19. */
  public static final int DEVICE_ID = 19;

  /** §5.10.4: the host's CID. */
  public static final long HOST_CID = 2;

  static final int RX_QUEUE = 0;
  static final int TX_QUEUE = 1;
  static final int EVENT_QUEUE = 2;

  /** Buffer space Parasol advertises per connection (buf_alloc). */
  public static final int BUF_ALLOC = 256 * 1024;

  /** The largest payload the guest may send in one packet (Linux's is 64 KiB). */
  public static final int MAX_GUEST_PAYLOAD = 64 * 1024;

  /** The largest payload Parasol sends in one packet (fits Linux's 4 KiB receive buffers). */
  public static final int MAX_HOST_PAYLOAD = 4096;

  /** Outgoing packets held for the guest before readers wait. */
  static final int MAX_OUTGOING = 1024;

  private final long guestCid;
  private final VsockHost host;
  private final ExecutorService worker;
  private final AtomicInteger pending = new AtomicInteger();
  private final Object lock = new Object();
  private final Map<Long, Connection> connections = new HashMap<>();
  private final ArrayDeque<byte[]> outgoing = new ArrayDeque<>();
  private long nextHostPort = 1024;
  private volatile DeviceContext context;

  public VirtioVsock(long guestCid, VsockHost host) {
    if (guestCid < 3 || guestCid > 0xFFFF_FFFEL) {
      throw new IllegalArgumentException("guest CID " + guestCid);
    }
    this.guestCid = guestCid;
    this.host = host;
    this.worker =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("parasol-virtio-vsock").factory());
  }

  @Override
  public int deviceId() {
    return DEVICE_ID;
  }

  @Override
  public long deviceFeatures() {
    return 0; // VIRTIO_VSOCK_F_STREAM is implied when no type feature is offered (§5.10.3)
  }

  @Override
  public int queueCount() {
    return 3;
  }

  @Override
  public int configSizeBytes() {
    return 8;
  }

  @Override
  public void readConfig(int offset, byte[] dst) {
    MemorySegment c = MemorySegment.ofArray(new byte[8]);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, guestCid); // §5.10.4 guest_cid
    MemorySegment.copy(c, offset, MemorySegment.ofArray(dst), 0, dst.length);
  }

  @Override
  public void activate(DeviceContext ctx) {
    context = ctx;
  }

  @Override
  public void queueNotify(int queue) {
    kick();
  }

  private void kick() {
    if (pending.getAndIncrement() == 0) {
      worker.execute(this::workLoop);
    }
  }

  private void workLoop() {
    int seen;
    do {
      seen = pending.get();
      DeviceContext ctx = context;
      if (ctx != null && !ctx.isStopped()) {
        try {
          processTransmit(ctx);
          processReceive(ctx);
        } catch (VirtqueueException | GuestMemoryException e) {
          ctx.needsReset("virtio-vsock: " + e.getMessage());
        } catch (RuntimeException e) {
          LOG.error("virtio-vsock failed", e);
          ctx.needsReset("virtio-vsock internal error");
        }
      }
    } while (pending.addAndGet(-seen) != 0);
  }

  private void processTransmit(DeviceContext ctx) throws VirtqueueException, GuestMemoryException {
    Virtqueue q = ctx.queue(TX_QUEUE);
    if (q == null) {
      return;
    }
    boolean any = false;
    for (DescriptorChain c; (c = q.pop()) != null; ) {
      any = true;
      ChainReader r = new ChainReader(ctx.memory(), c);
      if (r.remaining() >= VsockHeader.BYTES) {
        VsockHeader h = VsockHeader.parse(MemorySegment.ofArray(r.readBytes(VsockHeader.BYTES)));
        if (h.len() <= Math.min(r.remaining(), MAX_GUEST_PAYLOAD)) {
          handle(h, r.readBytes((int) h.len()));
        } else {
          reset(h); // a length the packet does not carry
        }
      }
      q.pushUsed(c, 0);
    }
    if (any) {
      ctx.interruptIfNeeded(TX_QUEUE);
    }
  }

  private void processReceive(DeviceContext ctx) throws VirtqueueException, GuestMemoryException {
    Virtqueue q = ctx.queue(RX_QUEUE);
    if (q == null) {
      return;
    }
    boolean any = false;
    while (true) {
      byte[] packet;
      synchronized (lock) {
        packet = outgoing.peekFirst();
      }
      if (packet == null) {
        break;
      }
      DescriptorChain c = q.pop();
      if (c == null) {
        if (q.enableNotifications()) {
          continue;
        }
        break;
      }
      long room = c.writableBytes();
      byte[] rest = null;
      if (room < packet.length && room > VsockHeader.BYTES && isData(packet)) {
        // A buffer smaller than the packet (Linux posts 4 KiB less its skb overhead, 3776
        // bytes): the data goes in pieces, each with its own header; credit counts bytes, so
        // splitting a packet changes nothing else.
        int take = (int) room - VsockHeader.BYTES;
        rest = withPayload(packet, take, packet.length - VsockHeader.BYTES - take);
        packet = withPayload(packet, 0, take);
      }
      if (room >= packet.length) {
        ChainWriter w = new ChainWriter(ctx.memory(), c);
        w.write(packet);
        q.pushUsed(c, packet.length);
      } else {
        q.pushUsed(c, 0); // a receive buffer too small even for a header: drop this packet
        LOG.debug("virtio-vsock: receive buffer of {} bytes is too small", room);
        rest = null;
      }
      synchronized (lock) {
        outgoing.pollFirst();
        if (rest != null) {
          outgoing.addFirst(rest); // only this thread takes from the head
        }
        lock.notifyAll();
      }
      any = true;
    }
    if (any) {
      ctx.interruptIfNeeded(RX_QUEUE);
    }
  }

  private static boolean isData(byte[] packet) {
    return VsockHeader.parse(MemorySegment.ofArray(packet)).op() == VsockHeader.OP_RW;
  }

  /**
   * A copy of data packet {@code packet} carrying {@code length} of its payload bytes from {@code
   * from}.
   */
  private static byte[] withPayload(byte[] packet, int from, int length) {
    VsockHeader h = VsockHeader.parse(MemorySegment.ofArray(packet));
    VsockHeader piece =
        new VsockHeader(
            h.srcCid(),
            h.dstCid(),
            h.srcPort(),
            h.dstPort(),
            length,
            h.type(),
            h.op(),
            h.flags(),
            h.bufAlloc(),
            h.fwdCnt());
    byte[] out = Arrays.copyOf(piece.toBytes(), VsockHeader.BYTES + length);
    System.arraycopy(packet, VsockHeader.BYTES + from, out, VsockHeader.BYTES, length);
    return out;
  }

  private static long key(long hostPort, long guestPort) {
    return (hostPort << 32) | guestPort;
  }

  /** One guest packet (§5.10.6.4), on the worker thread. */
  private void handle(VsockHeader h, byte[] payload) {
    if (h.srcCid() != guestCid || h.dstCid() != HOST_CID) {
      LOG.debug("virtio-vsock: dropped a packet from CID {} to CID {}", h.srcCid(), h.dstCid());
      return;
    }
    if (h.type() != VsockHeader.TYPE_STREAM) {
      reset(h);
      return;
    }
    Connection conn;
    synchronized (lock) {
      conn = connections.get(key(h.dstPort(), h.srcPort()));
    }
    if (h.op() == VsockHeader.OP_REQUEST) {
      if (conn != null) {
        reset(h);
        return;
      }
      openFromGuest(h);
      return;
    }
    if (conn == null) {
      if (h.op() != VsockHeader.OP_RST) {
        reset(h);
      }
      return;
    }
    conn.peerCredit(h.bufAlloc(), h.fwdCnt());
    switch (h.op()) {
      case VsockHeader.OP_RESPONSE -> conn.established();
      case VsockHeader.OP_RW -> conn.fromGuest(payload);
      case VsockHeader.OP_CREDIT_REQUEST -> conn.send(VsockHeader.OP_CREDIT_UPDATE, 0, null);
      case VsockHeader.OP_SHUTDOWN -> conn.shutdownFromGuest(h.flags());
      case VsockHeader.OP_RST -> conn.close(false);
      default -> {} // CREDIT_UPDATE: the credit is taken above
    }
  }

  private void openFromGuest(VsockHeader h) {
    ByteChannel channel;
    try {
      channel = host.connect(h.dstPort());
    } catch (IOException | RuntimeException e) {
      LOG.debug("virtio-vsock: guest connect to port {} failed: {}", h.dstPort(), e.getMessage());
      reset(h);
      return;
    }
    Connection conn = new Connection(h.dstPort(), h.srcPort(), channel, null);
    conn.peerCredit(h.bufAlloc(), h.fwdCnt());
    synchronized (lock) {
      connections.put(key(conn.hostPort, conn.guestPort), conn);
    }
    conn.send(VsockHeader.OP_RESPONSE, 0, null);
    conn.established();
  }

  /**
   * Opens a connection from the host to {@code guestPort} over {@code channel}; {@code result} gets
   * the host port once the guest accepts, or -1 if it refuses or the device is not running.
   */
  public void connectToGuest(ByteChannel channel, long guestPort, LongConsumer result) {
    DeviceContext ctx = context;
    if (ctx == null || ctx.isStopped() || guestPort < 0 || guestPort > 0xFFFF_FFFFL) {
      result.accept(-1);
      return;
    }
    Connection conn;
    synchronized (lock) {
      long hostPort;
      do {
        hostPort = nextHostPort;
        nextHostPort = nextHostPort >= 0xFFFF_FFFEL ? 1024 : nextHostPort + 1;
      } while (connections.containsKey(key(hostPort, guestPort)));
      conn = new Connection(hostPort, guestPort, channel, result);
      connections.put(key(hostPort, guestPort), conn);
    }
    conn.send(VsockHeader.OP_REQUEST, 0, null);
  }

  /** Packets waiting for guest receive buffers. */
  int outgoingCount() {
    synchronized (lock) {
      return outgoing.size();
    }
  }

  /** Connections open now. */
  public int connectionCount() {
    synchronized (lock) {
      return connections.size();
    }
  }

  /** Answers a packet with RST (§5.10.6.4.1), swapping source and destination. */
  private void reset(VsockHeader h) {
    if (h.op() == VsockHeader.OP_RST) {
      return; // never answer a reset with a reset
    }
    VsockHeader rst =
        new VsockHeader(
            HOST_CID,
            guestCid,
            h.dstPort(),
            h.srcPort(),
            0,
            VsockHeader.TYPE_STREAM,
            VsockHeader.OP_RST,
            0,
            0,
            0);
    enqueue(rst.toBytes(), false);
  }

  /** Queues a packet for the guest; data packets wait while too many are queued. */
  private boolean enqueue(byte[] packet, boolean mayWait) {
    synchronized (lock) {
      if (context == null) {
        return false; // reset: nothing may reach the next activation
      }
      while (mayWait && outgoing.size() >= MAX_OUTGOING && context != null) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      outgoing.addLast(packet);
    }
    kick();
    return true;
  }

  /** One stream connection, named by (host port, guest port). */
  private final class Connection {
    final long hostPort;
    final long guestPort;
    final ByteChannel channel;
    final LongConsumer onResult; // host-initiated: told the outcome once
    final LinkedBlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
    // Credit (§5.10.6.3), guarded by the connection: what the guest said, what we sent and got.
    long peerBufAlloc;
    long peerFwdCnt;
    long txCnt;
    long rxCnt;
    long fwdCnt;
    long advertisedFwdCnt;
    boolean open;
    boolean closed;
    boolean guestWillSendNoMore;

    Connection(long hostPort, long guestPort, ByteChannel channel, LongConsumer onResult) {
      this.hostPort = hostPort;
      this.guestPort = guestPort;
      this.channel = channel;
      this.onResult = onResult;
    }

    synchronized void peerCredit(long bufAlloc, long fwd) {
      peerBufAlloc = bufAlloc;
      peerFwdCnt = fwd;
      notifyAll();
    }

    /** A packet on this connection, with our current credit. */
    boolean send(int op, int flags, byte[] payload) {
      long fwd;
      synchronized (this) {
        fwd = fwdCnt;
        advertisedFwdCnt = fwd;
      }
      int len = payload == null ? 0 : payload.length;
      byte[] header =
          new VsockHeader(
                  HOST_CID,
                  guestCid,
                  hostPort,
                  guestPort,
                  len,
                  VsockHeader.TYPE_STREAM,
                  op,
                  flags,
                  BUF_ALLOC,
                  fwd)
              .toBytes();
      byte[] packet = header;
      if (len > 0) {
        packet = java.util.Arrays.copyOf(header, header.length + len);
        System.arraycopy(payload, 0, packet, header.length, len);
      }
      return enqueue(packet, op == VsockHeader.OP_RW);
    }

    void established() {
      synchronized (this) {
        if (open || closed) {
          return;
        }
        open = true;
      }
      if (onResult != null) {
        onResult.accept(hostPort);
      }
      Thread.ofVirtual().name("parasol-vsock-reader-" + hostPort).start(this::readHost);
      Thread.ofVirtual().name("parasol-vsock-writer-" + hostPort).start(this::writeHost);
    }

    /** Guest data: within the credit we gave, or the connection is reset. */
    void fromGuest(byte[] payload) {
      synchronized (this) {
        if (!open || guestWillSendNoMore) {
          return;
        }
        if (rxCnt + payload.length - fwdCnt > BUF_ALLOC) {
          LOG.debug("virtio-vsock: guest overran its credit on port {}", hostPort);
        } else {
          rxCnt += payload.length;
          toHost.add(payload);
          return;
        }
      }
      send(VsockHeader.OP_RST, 0, null);
      close(false);
    }

    void shutdownFromGuest(int flags) {
      if ((flags & (VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND))
          == (VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND)) {
        // §5.10.6.4.2: a full shutdown; the host side answers with RST once it has cleaned up.
        synchronized (this) {
          guestWillSendNoMore = true;
        }
        toHost.add(new byte[0]); // the writer flushes, then closes
        return;
      }
      if ((flags & VsockHeader.SHUTDOWN_SEND) != 0) {
        synchronized (this) {
          guestWillSendNoMore = true;
        }
        toHost.add(new byte[0]);
      }
    }

    private void writeHost() {
      try {
        while (true) {
          byte[] data = toHost.take();
          if (data.length == 0) {
            if (channel instanceof SocketChannel s) {
              s.shutdownOutput();
            }
            boolean full;
            synchronized (this) {
              full = guestWillSendNoMore;
            }
            if (full) {
              send(VsockHeader.OP_RST, 0, null);
              close(false);
            }
            return;
          }
          ByteBuffer b = ByteBuffer.wrap(data);
          while (b.hasRemaining()) {
            channel.write(b);
          }
          boolean update;
          synchronized (this) {
            fwdCnt += data.length;
            update = fwdCnt - advertisedFwdCnt >= BUF_ALLOC / 4;
          }
          if (update) {
            send(VsockHeader.OP_CREDIT_UPDATE, 0, null);
          }
        }
      } catch (IOException e) {
        send(VsockHeader.OP_RST, 0, null);
        close(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void readHost() {
      ByteBuffer buf = ByteBuffer.allocate(MAX_HOST_PAYLOAD);
      try {
        while (true) {
          long room;
          synchronized (this) {
            while (!closed && (room = peerBufAlloc - (txCnt - peerFwdCnt)) <= 0) {
              wait(); // the guest's buffer is full: wait for its CREDIT_UPDATE
            }
            if (closed) {
              return;
            }
            room = peerBufAlloc - (txCnt - peerFwdCnt);
          }
          buf.clear().limit((int) Math.min(room, MAX_HOST_PAYLOAD));
          int n = channel.read(buf);
          if (n < 0) {
            // The host side is done: tell the guest neither direction carries more (§5.10.6.4.2).
            send(
                VsockHeader.OP_SHUTDOWN,
                VsockHeader.SHUTDOWN_RCV | VsockHeader.SHUTDOWN_SEND,
                null);
            return;
          }
          if (n > 0) {
            synchronized (this) {
              txCnt += n;
            }
            send(VsockHeader.OP_RW, 0, java.util.Arrays.copyOf(buf.array(), n));
          }
        }
      } catch (IOException e) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        send(VsockHeader.OP_RST, 0, null);
        close(false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void close(boolean quiet) {
      boolean wasOpen;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        wasOpen = open;
        notifyAll();
      }
      synchronized (lock) {
        connections.remove(key(hostPort, guestPort));
      }
      toHost.add(new byte[0]);
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
      if (!wasOpen && onResult != null && !quiet) {
        onResult.accept(-1);
      }
    }
  }

  @Override
  public void reset() {
    context = null;
    List<Connection> all;
    synchronized (lock) {
      all = new ArrayList<>(connections.values());
      outgoing.clear();
      lock.notifyAll();
    }
    for (Connection c : all) {
      c.close(false);
    }
    try {
      worker.submit(() -> {}).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("virtio-vsock reset: worker did not settle: {}", e.toString());
    }
    synchronized (lock) {
      outgoing.clear();
    }
  }

  @Override
  public void close() {
    reset();
    worker.shutdown();
  }
}
