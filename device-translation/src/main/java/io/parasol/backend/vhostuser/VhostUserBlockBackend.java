package io.parasol.backend.vhostuser;

import static io.parasol.backend.vhostuser.VhostUserProtocol.*;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.bounce.BounceBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.blk.BlockBackend;
import io.parasol.virtio.queue.VirtioFeature;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block storage behind a vhost-user-blk back end such as {@code qemu-storage-daemon}: Parasol is
 * the front end. The back end is given exactly one memory region, a {@link BounceBuffer} (its own
 * memfd) that holds the ring, the request headers and the data pool; never guest RAM. Requests are
 * virtio-blk requests on one split ring; the back end's used entries and status bytes are checked
 * before a request completes.
 */
public final class VhostUserBlockBackend implements BlockBackend {
  private static final Logger LOG = LoggerFactory.getLogger(VhostUserBlockBackend.class);

  private static final int SLOT_BYTES = 48; // header 16, one discard/write-zeroes range 16, status
  private static final int F_SIZE_MAX = 1;
  private static final int F_SEG_MAX = 2;
  private static final int F_RO = 5;
  private static final int F_BLK_SIZE = 6;
  private static final int F_FLUSH = 9;
  private static final int F_DISCARD = 13;
  private static final int F_WRITE_ZEROES = 14;

  private final int socket;
  private final BounceBuffer shared;
  private final SplitRingDriver ring;
  private final long slotsOffset;
  private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
  private final Pending[] pendingByHead;
  private final int kickFd;
  private final int callFd;
  private final long features;
  private final long capacityBytes;
  private final int segMax;
  private final Thread completer;
  private final Arena arena = Arena.ofShared();
  private volatile boolean closed;
  private volatile String brokenReason;

  private record Pending(int slot, CompletableFuture<Long> result, long dataBytes) {}

  private VhostUserBlockBackend(
      int socket,
      BounceBuffer shared,
      int queueSize,
      int kickFd,
      int callFd,
      long features,
      long capacityBytes,
      int segMax) {
    this.socket = socket;
    this.shared = shared;
    this.ring = new SplitRingDriver(shared.region(), 0, queueSize);
    this.slotsOffset = SplitRingDriver.ringBytes(queueSize);
    for (int i = 0; i < queueSize; i++) {
      freeSlots.add(i);
    }
    this.pendingByHead = new Pending[queueSize];
    this.kickFd = kickFd;
    this.callFd = callFd;
    this.features = features;
    this.capacityBytes = capacityBytes;
    this.segMax = segMax;
    this.completer =
        Thread.ofPlatform().daemon().name("parasol-vhost-user-blk-client").start(this::completions);
  }

  /** The reserved bytes a queue of {@code queueSize} needs: the ring and one slot per request. */
  static long reservedBytes(int queueSize) {
    return SplitRingDriver.ringBytes(queueSize) + (long) SLOT_BYTES * queueSize;
  }

  /**
   * Connects to the vhost-user-blk back end at {@code socketPath}, shares a new bounce region with
   * a data pool of {@code poolBytes}, and starts one queue of {@code queueSize}.
   *
   * @throws IOException naming the step that failed (connect, a refused message, a bad config)
   */
  public static VhostUserBlockBackend connect(Path socketPath, int queueSize, long poolBytes)
      throws IOException {
    BounceBuffer shared =
        BounceBuffer.create("vhost-user-blk", poolBytes, reservedBytes(queueSize));
    int fd = -1;
    int kick = -1;
    int call = -1;
    try {
      fd = LinuxCalls.connectUnix(socketPath.toString());
      kick = LinuxCalls.eventfd();
      call = LinuxCalls.eventfd();
      Handshake h = new Handshake(fd);
      h.send(SET_OWNER, 0, h.empty());
      long offered = h.askLong(GET_FEATURES);
      if (!VirtioFeature.has(offered, VirtioFeature.VERSION_1)) {
        throw new IOException("vhost-user back end at " + socketPath + " is not virtio 1.x");
      }
      boolean protocol = (offered & (1L << F_PROTOCOL_FEATURES)) != 0;
      long protocolFeatures = 0;
      if (protocol) {
        long theirs = h.askLong(GET_PROTOCOL_FEATURES);
        protocolFeatures = theirs & ((1L << PROTOCOL_F_REPLY_ACK) | (1L << PROTOCOL_F_CONFIG));
        h.send(SET_PROTOCOL_FEATURES, 0, h.u64(protocolFeatures));
      }
      if ((protocolFeatures & (1L << PROTOCOL_F_CONFIG)) == 0) {
        throw new IOException("vhost-user back end offers no config space (capacity unknown)");
      }
      h.ack = (protocolFeatures & (1L << PROTOCOL_F_REPLY_ACK)) != 0;
      long wanted =
          VirtioFeature.bit(VirtioFeature.VERSION_1)
              | (protocol ? 1L << F_PROTOCOL_FEATURES : 0)
              | (1L << F_SIZE_MAX)
              | (1L << F_SEG_MAX)
              | (1L << F_RO)
              | (1L << F_BLK_SIZE)
              | (1L << F_FLUSH)
              | (1L << F_DISCARD)
              | (1L << F_WRITE_ZEROES);
      long features = offered & wanted;
      MemorySegment config = h.getConfig(0, 16);
      long capacitySectors = config.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
      int segMax =
          (features & (1L << F_SEG_MAX)) != 0 ? config.get(ValueLayout.JAVA_INT_UNALIGNED, 12) : 1;
      if (capacitySectors <= 0 || capacitySectors > (Long.MAX_VALUE >> 9) || segMax < 1) {
        throw new IOException(
            "vhost-user back end reports capacity " + capacitySectors + ", seg_max " + segMax);
      }
      h.sendChecked(SET_FEATURES, h.u64(features));
      MemorySegment region = shared.region();
      MemorySegment table = h.arena.allocate(8 + 32, 8);
      table.set(ValueLayout.JAVA_INT, 0, 1);
      table.set(ValueLayout.JAVA_LONG, 8, 0); // guest_phys_addr: offsets in the region
      table.set(ValueLayout.JAVA_LONG, 16, region.byteSize());
      table.set(ValueLayout.JAVA_LONG, 24, region.address()); // userspace_addr
      table.set(ValueLayout.JAVA_LONG, 32, 0);
      h.sendChecked(SET_MEM_TABLE, table, shared.fd());
      SplitRingDriver layout = new SplitRingDriver(region, 0, queueSize);
      h.send(SET_VRING_NUM, 0, h.state(0, queueSize));
      MemorySegment addr = h.arena.allocate(40, 8);
      addr.set(ValueLayout.JAVA_LONG, 8, region.address() + layout.descOffset());
      addr.set(ValueLayout.JAVA_LONG, 16, region.address() + layout.usedOffset());
      addr.set(ValueLayout.JAVA_LONG, 24, region.address() + layout.availOffset());
      h.send(SET_VRING_ADDR, 0, addr);
      h.send(SET_VRING_BASE, 0, h.state(0, 0));
      h.send(SET_VRING_KICK, 0, h.u64(0), kick);
      h.send(SET_VRING_CALL, 0, h.u64(0), call);
      if (protocol) {
        h.sendChecked(SET_VRING_ENABLE, h.state(0, 1));
      }
      h.arena.close();
      return new VhostUserBlockBackend(
          fd, shared, queueSize, kick, call, features, capacitySectors * 512, segMax);
    } catch (IOException | RuntimeException e) {
      for (int f : new int[] {fd, kick, call}) {
        if (f >= 0) {
          LinuxCalls.close(f);
        }
      }
      shared.close();
      throw e;
    }
  }

  /** The pool Parasol's virtio-blk must take its buffers from (inside the shared region). */
  public HostBufferPool pool() {
    return shared.pool();
  }

  /** The memfd the back end was given (the only one). */
  public int sharedFd() {
    return shared.fd();
  }

  @Override
  public long sizeBytes() {
    return capacityBytes;
  }

  @Override
  public boolean isReadOnly() {
    return (features & (1L << F_RO)) != 0;
  }

  @Override
  public boolean supportsDiscard() {
    return (features & (1L << F_DISCARD)) != 0;
  }

  @Override
  public boolean supportsWriteZeroes() {
    return (features & (1L << F_WRITE_ZEROES)) != 0;
  }

  @Override
  public CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
    return submit(0, offset, dst, true, null);
  }

  @Override
  public CompletableFuture<Long> write(long offset, List<MemorySegment> src) {
    return submit(1, offset, src, false, null);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return submit(4, 0, List.of(), false, null).thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Void> discard(long offset, long length) {
    return submit(11, 0, List.of(), false, new long[] {offset, length, 0}).thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Void> writeZeroes(long offset, long length, boolean unmap) {
    return submit(13, 0, List.of(), false, new long[] {offset, length, unmap ? 1 : 0})
        .thenApply(n -> null);
  }

  /** Builds a virtio-blk request in the shared region and makes it available. */
  private CompletableFuture<Long> submit(
      int type, long offset, List<MemorySegment> data, boolean deviceWrites, long[] range) {
    if (brokenReason != null || closed) {
      return CompletableFuture.failedFuture(
          new IOException("vhost-user back end unusable: " + (closed ? "closed" : brokenReason)));
    }
    List<SplitRingDriver.Piece> dataPieces = new ArrayList<>();
    long dataBytes = 0;
    for (MemorySegment s : data) {
      long at = shared.offsetOf(s);
      if (at < 0) {
        return CompletableFuture.failedFuture(
            new IOException("a buffer outside the shared region reached the vhost-user client"));
      }
      dataBytes += s.byteSize();
      SplitRingDriver.Piece last = dataPieces.isEmpty() ? null : dataPieces.getLast();
      if (last != null
          && last.offset() + last.length() == at
          && (long) last.length() + s.byteSize() <= Integer.MAX_VALUE) {
        dataPieces.set( // contiguous pool chunks become one descriptor
            dataPieces.size() - 1,
            new SplitRingDriver.Piece(
                last.offset(), last.length() + (int) s.byteSize(), deviceWrites));
      } else {
        dataPieces.add(new SplitRingDriver.Piece(at, (int) s.byteSize(), deviceWrites));
      }
    }
    if (dataPieces.size() > segMax || dataPieces.size() + 2 > ring.size()) {
      return CompletableFuture.failedFuture(
          new IOException(
              "request of " + dataPieces.size() + " segments exceeds seg_max " + segMax));
    }
    CompletableFuture<Long> result = new CompletableFuture<>();
    synchronized (this) {
      while ((freeSlots.isEmpty() || ring.freeDescriptors() < dataPieces.size() + 3)
          && brokenReason == null
          && !closed) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return CompletableFuture.failedFuture(new IOException("interrupted"));
        }
      }
      if (brokenReason != null || closed) {
        return CompletableFuture.failedFuture(new IOException("vhost-user back end unusable"));
      }
      int slot = freeSlots.poll();
      long slotAt = slotsOffset + (long) SLOT_BYTES * slot;
      MemorySegment region = shared.region();
      region.set(ValueLayout.JAVA_INT_UNALIGNED, slotAt, type);
      region.set(ValueLayout.JAVA_INT_UNALIGNED, slotAt + 4, 0);
      region.set(ValueLayout.JAVA_LONG_UNALIGNED, slotAt + 8, offset / 512);
      region.set(
          ValueLayout.JAVA_BYTE, slotAt + 32, (byte) 0xFF); // status, until the back end writes
      List<SplitRingDriver.Piece> pieces = new ArrayList<>();
      pieces.add(new SplitRingDriver.Piece(slotAt, 16, false));
      if (range != null) {
        region.set(ValueLayout.JAVA_LONG_UNALIGNED, slotAt + 16, range[0] / 512);
        region.set(ValueLayout.JAVA_INT_UNALIGNED, slotAt + 24, (int) (range[1] / 512));
        region.set(ValueLayout.JAVA_INT_UNALIGNED, slotAt + 28, (int) range[2]);
        pieces.add(new SplitRingDriver.Piece(slotAt + 16, 16, false));
      }
      pieces.addAll(dataPieces);
      pieces.add(new SplitRingDriver.Piece(slotAt + 32, 1, true));
      int head = ring.add(pieces);
      if (head < 0) {
        freeSlots.add(slot);
        return CompletableFuture.failedFuture(new IOException("ring full"));
      }
      pendingByHead[head] = new Pending(slot, result, deviceWrites ? dataBytes : dataBytes);
    }
    try {
      LinuxCalls.eventfdSignal(kickFd);
    } catch (ErrnoException e) {
      broken("kick failed: " + e.getMessage());
    }
    return result;
  }

  private void completions() {
    while (!closed) {
      try {
        LinuxCalls.eventfdWait(callFd, 100);
        while (true) {
          Pending p;
          byte status;
          synchronized (this) {
            SplitRingDriver.Completion c = ring.poll();
            if (c == null) {
              break;
            }
            p = pendingByHead[c.head()];
            pendingByHead[c.head()] = null;
            // The status byte is read once, from the shared region, and must be a known value.
            status =
                shared
                    .region()
                    .get(ValueLayout.JAVA_BYTE, slotsOffset + (long) SLOT_BYTES * p.slot() + 32);
            freeSlots.add(p.slot());
            notifyAll();
          }
          switch (status) {
            case 0 -> p.result().complete(p.dataBytes());
            case 1 ->
                p.result().completeExceptionally(new IOException("vhost-user back end: I/O error"));
            case 2 ->
                p.result()
                    .completeExceptionally(new IOException("vhost-user back end: unsupported"));
            default ->
                p.result()
                    .completeExceptionally(
                        new IOException("vhost-user back end wrote status " + (status & 0xFF)));
          }
        }
      } catch (IllegalStateException e) {
        broken(e.getMessage());
        return;
      } catch (ErrnoException e) {
        if (!closed) {
          broken("call eventfd: " + e.getMessage());
        }
        return;
      }
    }
  }

  private synchronized void broken(String reason) {
    if (brokenReason == null) {
      brokenReason = reason;
      LOG.warn("vhost-user-blk back end broke the ring: {}", reason);
    }
    for (int i = 0; i < pendingByHead.length; i++) {
      if (pendingByHead[i] != null) {
        pendingByHead[i].result().completeExceptionally(new IOException(reason));
        pendingByHead[i] = null;
      }
    }
    notifyAll();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      // Let requests in flight finish (the device waits for them at reset anyway).
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (hasPending() && brokenReason == null && System.nanoTime() < deadline) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      closed = true;
      notifyAll();
    }
    try {
      completer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LinuxCalls.close(socket);
    LinuxCalls.close(kickFd);
    LinuxCalls.close(callFd);
    shared.close();
    arena.close();
  }

  private boolean hasPending() {
    for (Pending p : pendingByHead) {
      if (p != null) {
        return true;
      }
    }
    return false;
  }

  /** The front end's half of the handshake messages. */
  private static final class Handshake {
    final int fd;
    final Arena arena = Arena.ofConfined();
    boolean ack;

    Handshake(int fd) {
      this.fd = fd;
    }

    MemorySegment empty() {
      return arena.allocate(0, 1);
    }

    MemorySegment u64(long v) {
      MemorySegment s = arena.allocate(8, 8);
      s.set(ValueLayout.JAVA_LONG, 0, v);
      return s;
    }

    MemorySegment state(int index, int num) {
      MemorySegment s = arena.allocate(8, 8);
      s.set(ValueLayout.JAVA_INT, 0, index);
      s.set(ValueLayout.JAVA_INT, 4, num);
      return s;
    }

    void send(int request, int flags, MemorySegment body, int... fds) throws ErrnoException {
      MemorySegment msg = arena.allocate(HEADER_BYTES + body.byteSize(), 8);
      msg.set(ValueLayout.JAVA_INT, 0, request);
      msg.set(ValueLayout.JAVA_INT, 4, VERSION | flags);
      msg.set(ValueLayout.JAVA_INT, 8, (int) body.byteSize());
      MemorySegment.copy(body, 0, msg, HEADER_BYTES, body.byteSize());
      LinuxCalls.sendWithFds(fd, msg, fds);
    }

    /** Sends with NEED_REPLY when REPLY_ACK was negotiated and checks the answer. */
    void sendChecked(int request, MemorySegment body, int... fds) throws IOException {
      send(request, ack ? FLAG_NEED_REPLY : 0, body, fds);
      if (ack) {
        MemorySegment r = reply(request);
        if (r.byteSize() != 8 || r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) != 0) {
          throw new IOException("vhost-user back end refused " + name(request));
        }
      }
    }

    long askLong(int request) throws IOException {
      send(request, 0, empty());
      MemorySegment r = reply(request);
      if (r.byteSize() != 8) {
        throw new IOException(name(request) + " reply of " + r.byteSize() + " bytes");
      }
      return r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    MemorySegment getConfig(int offset, int size) throws IOException {
      MemorySegment body = arena.allocate(12 + size, 8);
      body.set(ValueLayout.JAVA_INT, 0, offset);
      body.set(ValueLayout.JAVA_INT, 4, size);
      send(GET_CONFIG, 0, body);
      MemorySegment r = reply(GET_CONFIG);
      if (r.byteSize() != 12 + size) {
        throw new IOException("GET_CONFIG reply of " + r.byteSize() + " bytes");
      }
      return r.asSlice(12, size);
    }

    /** One reply, checked: the same request, the reply flag, a sane size. */
    MemorySegment reply(int request) throws IOException {
      MemorySegment h = arena.allocate(HEADER_BYTES, 8);
      readFully(h);
      int size = h.get(ValueLayout.JAVA_INT, 8);
      if (h.get(ValueLayout.JAVA_INT, 0) != request
          || (h.get(ValueLayout.JAVA_INT, 4) & FLAG_REPLY) == 0
          || size < 0
          || size > MAX_PAYLOAD) {
        throw new IOException("vhost-user back end sent a bad reply to " + name(request));
      }
      MemorySegment body = arena.allocate(Math.max(size, 1), 8).asSlice(0, size);
      readFully(body);
      return body;
    }

    private void readFully(MemorySegment dst) throws IOException {
      long done = 0;
      while (done < dst.byteSize()) {
        long n = LinuxCalls.read(fd, dst.asSlice(done));
        if (n == 0) {
          throw new IOException("vhost-user back end closed the connection");
        }
        done += n;
      }
    }
  }
}
