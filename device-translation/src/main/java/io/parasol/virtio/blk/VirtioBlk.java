package io.parasol.virtio.blk;

import io.parasol.bounce.HostBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.machine.memory.SegmentGuestMemory;
import io.parasol.virtio.device.DeviceContext;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.Buffer;
import io.parasol.virtio.queue.ChainReader;
import io.parasol.virtio.queue.ChainWriter;
import io.parasol.virtio.queue.DescriptorChain;
import io.parasol.virtio.queue.Virtqueue;
import io.parasol.virtio.queue.VirtqueueException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio-blk device (virtio v1.2 §5.2) over a {@link BlockBackend}: read, write, flush, discard,
 * write-zeroes, get-id, several queues, read-only disks. Each queue is drained by one thread at a
 * time: the transport's I/O thread when it has one ({@link #queueNotifyOnIoThread}, woken by an
 * ioeventfd), else a worker of the device's. The drain checks each request, copies write data into
 * a pool buffer and submits it; completions (on the backend's threads, or at once on the draining
 * thread for a backend that completes in place) copy read data out, write the status byte and push
 * the chain. Many requests are in flight at once.
 *
 * <p><b>Direct data.</b> A device made with {@code directGuestMemory} (never in confidential mode)
 * hands the backend the guest's own buffers, as slices of guest RAM, instead of pool buffers: no
 * copy. The pool then serves only guest memory that cannot be sliced. Such a device offers no
 * size_max (a request's pieces need not fit pool chunks), and the reads or writes one drain finds
 * contiguous on the disk go to the backend as one operation, as QEMU merges requests: a sequential
 * run of 1 MiB requests at queue depth 8 costs one system call instead of eight.
 *
 * <p><b>Interrupts.</b> Used buffers are signalled once per batch: a drain, and every completion
 * under way while it runs or while another completes, holds the queue's interrupt; the last to
 * finish asks the queue whether the driver wants one (with EVENT_IDX, only when its used_event was
 * crossed).
 *
 * <p>A request the driver cannot have meant (no header, no status byte) sets DEVICE_NEEDS_RESET; a
 * well-formed request the device cannot do gets VIRTIO_BLK_S_IOERR or _UNSUPP.
 */
public final class VirtioBlk implements VirtioDevice, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VirtioBlk.class);

  /** §5.2: device ID 2. */
  public static final int DEVICE_ID = 2;

  // §5.2.3 feature bits
  static final int F_SIZE_MAX = 1;
  static final int F_SEG_MAX = 2;
  static final int F_RO = 5;
  static final int F_BLK_SIZE = 6;
  static final int F_FLUSH = 9;
  static final int F_MQ = 12;
  static final int F_DISCARD = 13;
  static final int F_WRITE_ZEROES = 14;

  // §5.2.6 request types and status
  static final int T_IN = 0;
  static final int T_OUT = 1;
  static final int T_FLUSH = 4;
  static final int T_GET_ID = 8;
  static final int T_DISCARD = 11;
  static final int T_WRITE_ZEROES = 13;
  static final byte S_OK = 0;
  static final byte S_IOERR = 1;
  static final byte S_UNSUPP = 2;

  static final int SECTOR_BYTES = 512;

  /** Each status byte as a one-byte segment (read-only, shared: nothing allocated per request). */
  private static final MemorySegment[] STATUS = {
    MemorySegment.ofArray(new byte[] {S_OK}).asReadOnly(),
    MemorySegment.ofArray(new byte[] {S_IOERR}).asReadOnly(),
    MemorySegment.ofArray(new byte[] {S_UNSUPP}).asReadOnly(),
  };

  static final int HEADER_BYTES = 16;
  static final int ID_BYTES = 20;
  static final int SEGMENT_BYTES = 16; // discard / write-zeroes range
  static final int MAX_RANGE_SEGMENTS = 32;
  static final int CONFIG_BYTES = 60;

  /**
   * How the device is set up.
   *
   * @param serial the ID GET_ID returns (ASCII, at most 20 bytes used)
   * @param queues the number of request queues (1 = no VIRTIO_BLK_F_MQ)
   * @param queueSize the largest queue size (a power of 2)
   * @param readOnly whether to offer VIRTIO_BLK_F_RO and refuse writes (also if the backend is)
   */
  public record Options(String serial, int queues, int queueSize, boolean readOnly) {
    public Options {
      if (queues < 1 || queues > 64) {
        throw new IllegalArgumentException("virtio-blk queues " + queues);
      }
      if (queueSize < 4 || queueSize > 1024 || Integer.bitCount(queueSize) != 1) {
        throw new IllegalArgumentException("virtio-blk queue size " + queueSize);
      }
    }

    /** One queue of 256, writable, serial "parasol". */
    public static Options defaults() {
      return new Options("parasol", 1, 256, false);
    }
  }

  private final BlockBackend backend;
  private final HostBufferPool pool;
  private final Options options;
  private final boolean readOnly;
  private final long capacitySectors;
  private final byte[] id;
  private final ExecutorService workers;
  private final AtomicInteger[] pending;
  private final AtomicInteger[] holding; // per queue: drains and completions under way
  private final boolean direct;
  private final Object inflightLock = new Object();
  private int inflight;
  private volatile DeviceContext context;

  public VirtioBlk(BlockBackend backend, HostBufferPool pool, Options options) {
    this(backend, pool, options, false);
  }

  /**
   * A device whose backend reads and writes the guest's buffers in place if {@code
   * directGuestMemory} (only where the backend may see guest memory: never in confidential mode).
   */
  public VirtioBlk(
      BlockBackend backend, HostBufferPool pool, Options options, boolean directGuestMemory) {
    this.direct = directGuestMemory;
    this.backend = backend;
    this.pool = pool;
    this.options = options;
    this.readOnly = options.readOnly() || backend.isReadOnly();
    this.capacitySectors = backend.sizeBytes() / SECTOR_BYTES;
    this.id = Arrays.copyOf(options.serial().getBytes(StandardCharsets.US_ASCII), ID_BYTES);
    if (pool.capacityBytes() < maxRequestBytes()) {
      throw new IllegalArgumentException(
          "pool of "
              + pool.capacityBytes()
              + " bytes cannot hold a largest request of "
              + maxRequestBytes());
    }
    this.workers =
        Executors.newFixedThreadPool(
            options.queues(),
            Thread.ofPlatform().daemon().name("parasol-virtio-blk-", 0).factory());
    this.pending = new AtomicInteger[options.queues()];
    this.holding = new AtomicInteger[options.queues()];
    for (int i = 0; i < pending.length; i++) {
      pending[i] = new AtomicInteger();
      holding[i] = new AtomicInteger();
    }
  }

  /** §5.2.4: seg_max descriptors of at most size_max bytes each, plus header and status. */
  private int segMax() {
    return options.queueSize() - 2;
  }

  private long maxRequestBytes() {
    return (long) segMax() * HostBufferPool.CHUNK_BYTES;
  }

  /** The pool a device needs: room for two largest requests. */
  public static long poolBytesFor(Options options) {
    return 2L * (options.queueSize() - 2) * HostBufferPool.CHUNK_BYTES;
  }

  @Override
  public int deviceId() {
    return DEVICE_ID;
  }

  @Override
  public long deviceFeatures() {
    long f = bit(F_SEG_MAX) | bit(F_BLK_SIZE) | bit(F_FLUSH);
    if (!direct) {
      f |= bit(F_SIZE_MAX);
    }
    if (readOnly) {
      f |= bit(F_RO);
    } else {
      if (backend.supportsDiscard()) {
        f |= bit(F_DISCARD);
      }
      if (backend.supportsWriteZeroes()) {
        f |= bit(F_WRITE_ZEROES);
      }
    }
    if (options.queues() > 1) {
      f |= bit(F_MQ);
    }
    return f;
  }

  private static long bit(int n) {
    return 1L << n;
  }

  @Override
  public int queueCount() {
    return options.queues();
  }

  @Override
  public int maxQueueSize(int queue) {
    return options.queueSize();
  }

  @Override
  public int configSizeBytes() {
    return CONFIG_BYTES;
  }

  @Override
  public void readConfig(int offset, byte[] dst) {
    // §5.2.4 struct virtio_blk_config
    MemorySegment c = MemorySegment.ofArray(new byte[CONFIG_BYTES]);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, capacitySectors);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 8, HostBufferPool.CHUNK_BYTES); // size_max
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 12, segMax());
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 20, SECTOR_BYTES); // blk_size
    c.set(ValueLayout.JAVA_SHORT_UNALIGNED, 34, (short) options.queues());
    long maxRangeSectors = Math.min(0xFFFF_FFFFL, capacitySectors);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 36, (int) maxRangeSectors); // max_discard_sectors
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 40, MAX_RANGE_SEGMENTS);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 44, 1); // discard_sector_alignment
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 48, (int) maxRangeSectors); // max_write_zeroes_sectors
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 52, MAX_RANGE_SEGMENTS);
    c.set(ValueLayout.JAVA_BYTE, 56, (byte) 1); // write_zeroes_may_unmap
    MemorySegment.copy(c, offset, MemorySegment.ofArray(dst), 0, dst.length);
  }

  @Override
  public void activate(DeviceContext context) {
    this.context = context;
  }

  @Override
  public void queueNotify(int queue) {
    if (queue < 0 || queue >= pending.length) {
      return;
    }
    if (pending[queue].getAndIncrement() == 0) {
      beginWork();
      workers.execute(() -> drainLoop(queue));
    }
  }

  @Override
  public void queueNotifyOnIoThread(int queue) {
    if (queue < 0 || queue >= pending.length) {
      return;
    }
    if (pending[queue].getAndIncrement() == 0) {
      beginWork();
      drainLoop(queue); // the transport's I/O thread drains; no hand-off to a worker
    }
  }

  private void drainLoop(int queue) {
    try {
      int seen;
      do {
        seen = pending[queue].get();
        drain(queue);
      } while (pending[queue].addAndGet(-seen) != 0);
    } finally {
      endWork();
    }
  }

  private void drain(int queue) {
    DeviceContext ctx = context;
    if (ctx == null || ctx.isStopped()) {
      return;
    }
    Virtqueue q = ctx.queue(queue);
    if (q == null) {
      return;
    }
    holding[queue].incrementAndGet();
    Batch batch = new Batch();
    try {
      while (true) {
        q.disableNotifications();
        for (DescriptorChain chain; (chain = q.pop()) != null; ) {
          if (ctx.isStopped()) {
            return;
          }
          submit(ctx, queue, chain, batch);
        }
        batch.submit();
        if (!q.enableNotifications() || ctx.isStopped()) {
          return;
        }
      }
    } catch (VirtqueueException e) {
      ctx.needsReset("virtio-blk queue " + queue + ": " + e.getMessage());
    } catch (GuestMemoryException e) {
      ctx.needsReset("virtio-blk queue " + queue + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Our bug, not the guest's: keep the VM alive, stop this device, and say where it happened.
      LOG.error("virtio-blk queue {} failed", queue, e);
      ctx.needsReset("virtio-blk internal error");
    } finally {
      releaseInterrupt(ctx, queue);
    }
  }

  /** Ends one holder of {@code queue}'s interrupt; the last signals what was used meanwhile. */
  private void releaseInterrupt(DeviceContext ctx, int queue) {
    if (holding[queue].decrementAndGet() == 0) {
      ctx.interruptIfNeeded(queue);
    }
  }

  /**
   * Guest RAM behind {@code length} bytes of {@code buffers} after the first {@code skip}, as
   * slices (consecutive buffers merged), or null if the memory cannot be sliced.
   */
  private static List<MemorySegment> guestSlices(
      GuestMemory memory, List<Buffer> buffers, long skip, long length)
      throws GuestMemoryException {
    if (!(memory instanceof SegmentGuestMemory ram)) {
      return null;
    }
    List<MemorySegment> out = new ArrayList<>(buffers.size());
    long runGpa = -1;
    long runBytes = 0;
    long left = length;
    for (Buffer b : buffers) {
      if (left == 0) {
        break;
      }
      if (skip >= b.length()) {
        skip -= b.length();
        continue;
      }
      long gpa = b.gpa() + skip;
      long n = Math.min(b.length() - skip, left);
      skip = 0;
      left -= n;
      if (runBytes > 0 && runGpa + runBytes == gpa) {
        runBytes += n;
        continue;
      }
      if (runBytes > 0) {
        addSlices(ram, runGpa, runBytes, out);
      }
      runGpa = gpa;
      runBytes = n;
    }
    if (runBytes > 0) {
      addSlices(ram, runGpa, runBytes, out);
    }
    return out;
  }

  /** One slice for a run, or (if it spans two RAM ranges) one per page. */
  private static void addSlices(
      SegmentGuestMemory ram, long gpa, long bytes, List<MemorySegment> out)
      throws GuestMemoryException {
    if (ram.isRam(gpa, bytes)) {
      out.add(ram.slice(gpa, bytes));
      return;
    }
    for (long at = gpa; at < gpa + bytes; ) {
      long n = Math.min(gpa + bytes - at, 4096 - (at & 4095));
      out.add(ram.slice(at, n));
      at += n;
    }
  }

  /**
   * One request: checks it and starts the backend operation (§5.2.6), or, for a read or write of
   * guest buffers in place, adds it to {@code batch}, which merges it with the requests before it
   * when they are contiguous on the disk (one system call for a sequential run, as QEMU merges
   * requests). Any other request submits the batch first, so the backend sees requests in the order
   * the driver made them available.
   */
  private void submit(DeviceContext ctx, int queue, DescriptorChain chain, Batch batch)
      throws GuestMemoryException, InterruptedException {
    ChainReader reader = new ChainReader(ctx.memory(), chain);
    if (reader.remaining() < HEADER_BYTES || chain.writableBytes() < 1) {
      ctx.needsReset("virtio-blk request without a header or a status byte");
      return;
    }
    MemorySegment header = MemorySegment.ofArray(reader.readBytes(HEADER_BYTES));
    int type = header.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    long sector = header.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
    ChainWriter writer = new ChainWriter(ctx.memory(), chain);
    Request r = new Request(ctx, queue, chain, writer);
    if (type == T_IN && direct) {
      long bytes = chain.writableBytes() - 1;
      List<MemorySegment> into =
          bytes > 0 && inRange(sector, bytes)
              ? guestSlices(ctx.memory(), chain.writable(), 0, bytes)
              : null;
      if (into != null) {
        batch.add(r, T_IN, sector, bytes, into);
        return;
      }
    } else if (type == T_OUT && direct && !readOnly) {
      long bytes = reader.remaining();
      List<MemorySegment> from =
          bytes > 0 && inRange(sector, bytes)
              ? guestSlices(ctx.memory(), chain.readable(), HEADER_BYTES, bytes)
              : null;
      if (from != null) {
        batch.add(r, T_OUT, sector, bytes, from);
        return;
      }
    }
    batch.submit();
    switch (type) {
      case T_IN -> {
        long bytes = chain.writableBytes() - 1;
        if (!inRange(sector, bytes) || bytes > pool.capacityBytes()) {
          r.finish(S_IOERR);
          return;
        }
        HostBuffer buf = pool.acquire(bytes);
        if (ctx.isStopped()) {
          buf.close();
          return;
        }
        r.start(backend.read(sector * SECTOR_BYTES, buf.segments()), buf)
            .whenComplete(
                (n, failure) -> {
                  if (failure != null || n == null || n != bytes) {
                    r.complete(S_IOERR, failure);
                  } else {
                    r.completeWith(buf, bytes);
                  }
                });
      }
      case T_OUT -> {
        long bytes = reader.remaining();
        if (readOnly || !inRange(sector, bytes) || bytes > pool.capacityBytes()) {
          r.finish(S_IOERR);
          return;
        }
        HostBuffer buf = pool.acquire(bytes);
        if (ctx.isStopped()) {
          buf.close();
          return;
        }
        try {
          buf.copyFromGuest(reader);
        } catch (GuestMemoryException e) {
          buf.close();
          throw e;
        }
        r.start(backend.write(sector * SECTOR_BYTES, buf.segments()), buf)
            .whenComplete(
                (n, failure) ->
                    r.complete(
                        failure == null && n != null && n == bytes ? S_OK : S_IOERR, failure));
      }
      case T_FLUSH ->
          r.start(backend.flush(), null).whenComplete((v, failure) -> r.complete(S_OK, failure));
      case T_GET_ID -> {
        int n = (int) Math.min(ID_BYTES, chain.writableBytes() - 1);
        writer.write(MemorySegment.ofArray(id).asSlice(0, n));
        r.finish(S_OK);
      }
      case T_DISCARD, T_WRITE_ZEROES -> ranges(r, reader, type == T_DISCARD);
      default -> r.finish(S_UNSUPP);
    }
  }

  /** Whether {@code bytes} at {@code sector} is whole sectors within the disk. */
  private boolean inRange(long sector, long bytes) {
    return bytes % SECTOR_BYTES == 0
        && sector >= 0
        && sector <= capacitySectors
        && bytes / SECTOR_BYTES <= capacitySectors - sector;
  }

  /** §5.2.6.2: DISCARD / WRITE_ZEROES carry a list of (sector, num_sectors, flags) segments. */
  private void ranges(Request r, ChainReader reader, boolean discard) throws GuestMemoryException {
    int feature = discard ? F_DISCARD : F_WRITE_ZEROES;
    long payload = reader.remaining();
    if ((deviceFeatures() & bit(feature)) == 0
        || (r.ctx.negotiatedFeatures() & bit(feature)) == 0) {
      r.finish(S_UNSUPP);
      return;
    }
    if (payload == 0
        || payload % SEGMENT_BYTES != 0
        || payload / SEGMENT_BYTES > MAX_RANGE_SEGMENTS) {
      r.finish(S_IOERR);
      return;
    }
    MemorySegment segs = MemorySegment.ofArray(reader.readBytes((int) payload));
    int count = (int) (payload / SEGMENT_BYTES);
    long[][] ranges = new long[count][];
    for (int i = 0; i < count; i++) {
      long sector = segs.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * SEGMENT_BYTES);
      long sectors =
          Integer.toUnsignedLong(segs.get(ValueLayout.JAVA_INT_UNALIGNED, i * SEGMENT_BYTES + 8L));
      int flags = segs.get(ValueLayout.JAVA_INT_UNALIGNED, i * SEGMENT_BYTES + 12L);
      // §5.2.6.2: only the unmap bit is defined, and only for write-zeroes.
      if ((flags & ~1) != 0 || (discard && flags != 0)) {
        r.finish(S_UNSUPP);
        return;
      }
      if (!inRange(sector, sectors * SECTOR_BYTES)) {
        r.finish(S_IOERR);
        return;
      }
      ranges[i] = new long[] {sector * SECTOR_BYTES, sectors * SECTOR_BYTES, flags & 1};
    }
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (long[] range : ranges) {
      chain =
          chain.thenCompose(
              v ->
                  discard
                      ? backend.discard(range[0], range[1])
                      : backend.writeZeroes(range[0], range[1], range[2] != 0));
    }
    r.start(chain, null).whenComplete((v, failure) -> r.complete(S_OK, failure));
  }

  /**
   * Reads or writes of guest buffers in place, contiguous on the disk, that go to the backend as
   * one operation when {@link #submit} is called (or when the next request does not continue the
   * run). Each request completes with the bytes of the run that fell within it: a short count fails
   * only the requests it did not reach.
   */
  private final class Batch {
    // Handed to the operation whole at submit (no copies), and started afresh.
    private List<Request> requests = new ArrayList<>();
    private List<Long> lengths = new ArrayList<>();
    private List<MemorySegment> pieces = new ArrayList<>(PIECES_HINT);
    private int type;
    private long sector;
    private long bytes;

    void add(Request r, int type, long sector, long bytes, List<MemorySegment> data) {
      if (!requests.isEmpty()
          && (type != this.type
              || sector != this.sector + this.bytes / SECTOR_BYTES
              || pieces.size() + data.size() > MAX_MERGED_PIECES
              || this.bytes + bytes > MAX_MERGED_BYTES)) {
        submit();
      }
      if (requests.isEmpty()) {
        this.type = type;
        this.sector = sector;
        this.bytes = 0;
      }
      requests.add(r);
      lengths.add(bytes);
      pieces.addAll(data);
      this.bytes += bytes;
    }

    void submit() {
      if (requests.isEmpty()) {
        return;
      }
      List<Request> rs = requests;
      List<Long> ls = lengths;
      List<MemorySegment> data = pieces;
      boolean read = type == T_IN;
      long offset = sector * SECTOR_BYTES;
      requests = new ArrayList<>();
      lengths = new ArrayList<>();
      pieces = new ArrayList<>(PIECES_HINT);
      // Counted in flight before the operation starts: a backend may complete it at once.
      for (Request r : rs) {
        r.start(null, null);
      }
      CompletableFuture<Long> operation;
      try {
        operation = read ? backend.read(offset, data) : backend.write(offset, data);
      } catch (RuntimeException e) {
        operation = CompletableFuture.failedFuture(e); // each request still completes, with IOERR
      }
      operation.whenComplete(
          (n, failure) -> {
            long done = failure == null && n != null ? n : -1;
            long at = 0;
            for (int i = 0; i < rs.size(); i++) {
              long len = ls.get(i);
              at += len;
              boolean ok = done >= at;
              if (read) {
                rs.get(i).dataBytes = ok ? len : 0;
              }
              rs.get(i).complete(ok ? S_OK : S_IOERR, failure);
            }
          });
    }
  }

  /** The most guest pieces (iovec entries) and bytes one merged operation takes. */
  private static final int MAX_MERGED_PIECES = 1024;

  private static final long MAX_MERGED_BYTES = 32L << 20;

  /** Room for a 1 MiB request in 4 KiB guest pages, so that a batch seldom grows its list. */
  private static final int PIECES_HINT = 260;

  /** One request in flight: finishing it writes the status, pushes the chain and signals. */
  private final class Request {
    final DeviceContext ctx;
    final int queue;
    final DescriptorChain chain;
    final ChainWriter writer;

    Request(DeviceContext ctx, int queue, DescriptorChain chain, ChainWriter writer) {
      this.ctx = ctx;
      this.queue = queue;
      this.chain = chain;
      this.writer = writer;
    }

    private HostBuffer buffer; // returned to the pool before the request stops counting
    long dataBytes; // bytes the backend wrote straight into the chain (direct reads)

    /**
     * Counts the backend operation as in flight until this request completes, and {@code buf} (may
     * be null) as held until then.
     */
    <T> CompletableFuture<T> start(CompletableFuture<T> operation, HostBuffer buf) {
      buffer = buf;
      beginWork();
      return operation;
    }

    private void release() {
      if (buffer != null) {
        buffer.close();
      }
      endWork();
    }

    /** Completion on a backend thread (or the draining one). */
    void complete(byte status, Throwable failure) {
      holding[queue].incrementAndGet();
      try {
        if (failure != null) {
          LOG.debug("virtio-blk backend operation failed", failure);
        }
        finishQuietly(status);
      } finally {
        release();
        releaseInterrupt(ctx, queue);
      }
    }

    void completeWith(HostBuffer buf, long bytes) {
      holding[queue].incrementAndGet();
      try {
        if (ctx.isStopped()) {
          return;
        }
        try {
          buf.copyToGuest(writer, bytes);
        } catch (GuestMemoryException e) {
          ctx.needsReset("virtio-blk read completion: " + e.getMessage());
          return;
        }
        finishQuietly(S_OK);
      } finally {
        release();
        releaseInterrupt(ctx, queue);
      }
    }

    private void finishQuietly(byte status) {
      if (ctx.isStopped()) {
        return; // reset or NEEDS_RESET: the guest's memory is no longer ours to write
      }
      try {
        finish(status);
      } catch (GuestMemoryException e) {
        ctx.needsReset("virtio-blk status write: " + e.getMessage());
      }
    }

    /**
     * Writes the status byte as the chain's last writable byte and returns the chain; the interrupt
     * is left to the last holder ({@link #releaseInterrupt}).
     */
    void finish(byte status) throws GuestMemoryException {
      writer.seekToTail(1);
      writer.write(STATUS[status]);
      try {
        ctx.queue(queue).pushUsed(chain, writer.written() + dataBytes);
      } catch (VirtqueueException e) {
        ctx.needsReset("virtio-blk queue " + queue + ": " + e.getMessage());
      }
    }
  }

  private void beginWork() {
    synchronized (inflightLock) {
      inflight++;
    }
  }

  private void endWork() {
    synchronized (inflightLock) {
      if (--inflight == 0) {
        inflightLock.notifyAll();
      }
    }
  }

  /** Requests (and drains) in flight now. */
  int inflight() {
    synchronized (inflightLock) {
      return inflight;
    }
  }

  @Override
  public void reset() {
    // The core marked the old context stopped; wait until no worker or completion can still touch
    // guest memory through it.
    DeviceContext old = context;
    context = null;
    synchronized (inflightLock) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (inflight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("virtio-blk reset: {} requests still in flight after 30 s", inflight);
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(inflightLock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (old != null) {
      LOG.debug("virtio-blk reset");
    }
  }

  /** Stops the workers and closes the backend. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    backend.close();
  }
}
