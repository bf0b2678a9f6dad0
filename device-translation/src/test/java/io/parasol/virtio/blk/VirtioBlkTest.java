package io.parasol.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.file.RawImageFile;
import io.parasol.bounce.HostBufferPool;
import io.parasol.machine.memory.SegmentGuestMemory;
import io.parasol.virtio.device.DeviceStatus;
import io.parasol.virtio.device.VirtioInterrupt;
import io.parasol.virtio.device.VirtioTransportCore;
import io.parasol.virtio.queue.MockDriver;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** virtio-blk over a real raw image file, driven through the transport core by mock drivers. */
class VirtioBlkTest {
  static final int DISK_BYTES = 4 << 20;
  @TempDir Path dir;
  Rig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  /** A disk image, a device with {@code queues} queues, a core, and one mock driver per queue. */
  static final class Rig implements AutoCloseable, VirtioInterrupt {
    final Path image;
    final SegmentGuestMemory memory = SegmentGuestMemory.ofHeap(16 << 20);
    final List<MockDriver> drivers = new ArrayList<>();
    final VirtioBlk blk;
    final VirtioTransportCore core;
    final HostBufferPool pool;
    final boolean onIoThread;
    int configChanges;
    int usedSignals;

    Rig(Path image, int queues, boolean packed, boolean indirect, boolean readOnly)
        throws IOException {
      this(image, queues, packed, indirect, readOnly, null);
    }

    Rig(
        Path image,
        int queues,
        boolean packed,
        boolean indirect,
        boolean readOnly,
        HostBufferPool customPool)
        throws IOException {
      this(
          image,
          queues,
          packed,
          indirect,
          readOnly,
          customPool,
          false,
          RawImageFile.open(image, readOnly, 4),
          false);
    }

    /** One split queue over {@code backend} (serving {@code image}), guest buffers in place. */
    static Rig direct(Path image, BlockBackend backend, HostBufferPool pool, boolean onIoThread) {
      return new Rig(image, 1, false, false, false, pool, true, backend, onIoThread);
    }

    /**
     * Over {@code backend}, which serves {@code image}; {@code direct}: the device hands guest
     * buffers to the backend; {@code onIoThread}: notifications come as a transport's I/O thread's.
     */
    Rig(
        Path image,
        int queues,
        boolean packed,
        boolean indirect,
        boolean readOnly,
        HostBufferPool customPool,
        boolean direct,
        BlockBackend backend,
        boolean onIoThread) {
      this.image = image;
      this.onIoThread = onIoThread;
      VirtioBlk.Options options = new VirtioBlk.Options("parasol-disk-0", queues, 64, readOnly);
      this.pool =
          customPool != null
              ? customPool
              : HostBufferPool.ofPrivateMemory(VirtioBlk.poolBytesFor(options));
      this.blk = new VirtioBlk(backend, pool, options, direct);
      this.core = new VirtioTransportCore(blk, memory, this);
      for (int q = 0; q < queues; q++) {
        long base = 0x1000 + q * 0x10000L;
        long heap = (1 << 20) + q * (2L << 20);
        drivers.add(
            new MockDriver(memory, packed, 64, indirect, false, base, heap, heap + (2 << 20)));
      }
      core.setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
      long f = drivers.get(0).features() | core.offeredFeatures() & 0xFFFF_FFFFL & ~(3L << 28);
      f |= drivers.get(0).features();
      core.setDriverFeatureWord(0, (int) f);
      core.setDriverFeatureWord(1, (int) (drivers.get(0).features() >>> 32));
      core.setStatus(core.status() | DeviceStatus.FEATURES_OK);
      assertTrue((core.status() & DeviceStatus.FEATURES_OK) != 0);
      for (int q = 0; q < queues; q++) {
        MockDriver d = drivers.get(q);
        core.setQueueSize(q, d.size());
        core.setQueueDescGpa(q, d.layout().descGpa());
        core.setQueueDriverGpa(q, d.layout().driverGpa());
        core.setQueueDeviceGpa(q, d.layout().deviceGpa());
        core.enableQueue(q);
      }
      core.setStatus(core.status() | DeviceStatus.DRIVER_OK);
    }

    @Override
    public synchronized void signalUsedBuffers(int queue) {
      usedSignals++;
      notifyAll();
    }

    @Override
    public synchronized void signalConfigChange() {
      configChanges++;
      notifyAll();
    }

    /** Submits a request on {@code queue}; returns its ID. */
    int submit(int queue, int type, long sector, List<byte[]> data, List<Integer> writable)
        throws Exception {
      int id = make(queue, type, sector, data, writable);
      kick(queue);
      return id;
    }

    /** Makes a request available on {@code queue} without notifying the device; returns its ID. */
    int make(int queue, int type, long sector, List<byte[]> data, List<Integer> writable)
        throws Exception {
      byte[] header = new byte[16];
      ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putLong(sector);
      List<byte[]> readable = new ArrayList<>();
      readable.add(header);
      readable.addAll(data);
      List<Integer> w = new ArrayList<>(writable);
      w.add(1); // status
      int id = drivers.get(queue).add(readable, w);
      assertTrue(id >= 0, "ring has room");
      return id;
    }

    /** Notifies the device of {@code queue}. */
    void kick(int queue) throws Exception {
      if (onIoThread) {
        core.notifyOnIoThread(queue);
      } else {
        core.notify(queue);
      }
    }

    /** Waits for {@code count} completions on {@code queue}: ID to (used length, written bytes). */
    synchronized Map<Integer, byte[]> await(int queue, int count, Map<Integer, Integer> lengths)
        throws Exception {
      Map<Integer, byte[]> done = new HashMap<>();
      long deadline = System.nanoTime() + 20_000_000_000L;
      MockDriver d = drivers.get(queue);
      while (done.size() < count) {
        MockDriver.Used u = d.pollUsed();
        if (u == null) {
          assertTrue(System.nanoTime() < deadline, "device completed " + done.size() + "/" + count);
          wait(100);
          continue;
        }
        done.put(u.id(), d.lastUsedWritable());
        if (lengths != null) {
          lengths.put(u.id(), u.length());
        }
      }
      return done;
    }

    /** One request, waited for: the bytes the device wrote (data then status). */
    byte[] call(int queue, int type, long sector, List<byte[]> data, List<Integer> writable)
        throws Exception {
      int id = submit(queue, type, sector, data, writable);
      return await(queue, 1, null).get(id);
    }

    byte status(byte[] written) {
      return written[written.length - 1];
    }

    @Override
    public void close() {
      core.setStatus(0);
      blk.close();
      pool.close();
    }
  }

  Path image(int bytes) throws IOException {
    Path p = dir.resolve("disk.raw");
    Files.write(p, new byte[bytes]);
    return p;
  }

  static byte[] pattern(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "packed={0}")
  @ValueSource(booleans = {false, true})
  void writesReachTheFileAndReadBack(boolean packed) throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, packed, false, false);
    byte[] data = pattern(3 * 512 + 4096, 1);
    // Split across two descriptors at an odd boundary, as a scatter list.
    byte[] w =
        rig.call(
            0,
            VirtioBlk.T_OUT,
            8,
            List.of(slice(data, 0, 700), slice(data, 700, data.length)),
            List.of());
    assertEquals(VirtioBlk.S_OK, rig.status(w));
    byte[] onDisk = Files.readAllBytes(rig.image);
    assertArrayEquals(data, slice(onDisk, 8 * 512, 8 * 512 + data.length), "the file has the data");

    byte[] r = rig.call(0, VirtioBlk.T_IN, 8, List.of(), List.of(1000, data.length - 1000));
    assertEquals(VirtioBlk.S_OK, rig.status(r));
    assertArrayEquals(data, slice(r, 0, data.length));
  }

  @ParameterizedTest(name = "image threads={0}")
  @ValueSource(ints = {0, 2})
  void directRequestsMoveDataBetweenTheFileAndGuestBuffersWithoutThePool(int threads)
      throws Exception {
    HostBufferPool pool =
        HostBufferPool.ofPrivateMemory(
            VirtioBlk.poolBytesFor(new VirtioBlk.Options("d", 1, 64, false)));
    pool.region().fill((byte) 0x5A);
    Path file = image(DISK_BYTES);
    rig = Rig.direct(file, RawImageFile.open(file, false, threads), pool, threads == 0);
    byte[] data = pattern(5 * 4096 + 512, 7);
    byte[] w =
        rig.call(
            0,
            VirtioBlk.T_OUT,
            16,
            List.of(slice(data, 0, 4096), slice(data, 4096, 4608), slice(data, 4608, data.length)),
            List.of());
    assertEquals(VirtioBlk.S_OK, rig.status(w));
    byte[] onDisk = Files.readAllBytes(rig.image);
    assertArrayEquals(data, slice(onDisk, 16 * 512, 16 * 512 + data.length));
    int id = rig.submit(0, VirtioBlk.T_IN, 16, List.of(), List.of(3000, data.length - 3000));
    Map<Integer, Integer> lengths = new HashMap<>();
    byte[] r = rig.await(0, 1, lengths).get(id);
    assertEquals(VirtioBlk.S_OK, rig.status(r));
    assertArrayEquals(data, slice(r, 0, data.length));
    assertEquals(data.length + 1, lengths.get(id), "used length: data and status");
    for (long at = 0; at < pool.region().byteSize(); at += 4096) {
      assertEquals(0x5A, pool.region().get(ValueLayout.JAVA_BYTE, at), "pool untouched at " + at);
    }
  }

  /** The image, recording each read and write the device makes and able to cut reads short. */
  static final class RecordingBackend extends ForwardingBlockBackend {
    final List<String> calls = new ArrayList<>();
    volatile long readLimit = Long.MAX_VALUE; // bytes a read returns at most

    RecordingBackend(RawImageFile image) {
      super(image);
    }

    private static long bytes(List<MemorySegment> pieces) {
      return pieces.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    @Override
    public synchronized CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
      calls.add("read " + offset + "+" + bytes(dst));
      List<MemorySegment> into = new ArrayList<>();
      long left = readLimit;
      for (MemorySegment s : dst) {
        if (left > 0) {
          into.add(s.asSlice(0, Math.min(left, s.byteSize())));
          left -= Math.min(left, s.byteSize());
        }
      }
      return inner.read(offset, into);
    }

    @Override
    public synchronized CompletableFuture<Long> write(long offset, List<MemorySegment> src) {
      calls.add("write " + offset + "+" + bytes(src));
      return inner.write(offset, src);
    }

    @Override
    public CompletableFuture<Void> flush() {
      calls.add("flush");
      return inner.flush();
    }
  }

  @Test
  void contiguousRequestsOfOneDrainReachTheBackendAsOneOperation() throws Exception {
    Path file = image(DISK_BYTES);
    RecordingBackend backend = new RecordingBackend(RawImageFile.open(file, false, 0));
    rig = Rig.direct(file, backend, null, true);
    byte[] data = pattern(4 * 8192, 3);
    // Four sequential writes, then one elsewhere, a flush, and two sequential writes again.
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(
          rig.make(
              0,
              VirtioBlk.T_OUT,
              64 + 16 * i,
              List.of(slice(data, i * 8192, (i + 1) * 8192)),
              List.of()));
    }
    ids.add(rig.make(0, VirtioBlk.T_OUT, 1024, List.of(slice(data, 0, 4096)), List.of()));
    ids.add(rig.make(0, VirtioBlk.T_FLUSH, 0, List.of(), List.of()));
    ids.add(rig.make(0, VirtioBlk.T_OUT, 2048, List.of(slice(data, 0, 4096)), List.of()));
    ids.add(rig.make(0, VirtioBlk.T_OUT, 2056, List.of(slice(data, 4096, 8192)), List.of()));
    rig.kick(0);
    Map<Integer, byte[]> done = rig.await(0, ids.size(), null);
    for (int id : ids) {
      assertEquals(VirtioBlk.S_OK, rig.status(done.get(id)));
    }
    assertEquals(
        List.of(
            "write " + 64 * 512 + "+" + 4 * 8192,
            "write " + 1024 * 512 + "+4096",
            "flush",
            "write " + 2048 * 512 + "+8192"),
        backend.calls,
        "merged in order, split where the run breaks and around the flush");
    byte[] onDisk = Files.readAllBytes(file);
    assertArrayEquals(data, slice(onDisk, 64 * 512, 64 * 512 + data.length));
    assertArrayEquals(slice(data, 0, 8192), slice(onDisk, 2048 * 512, 2048 * 512 + 8192));

    // Three sequential reads in one drain: one read of the whole run, each request its own part.
    backend.calls.clear();
    List<Integer> reads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      reads.add(rig.make(0, VirtioBlk.T_IN, 64 + 16 * i, List.of(), List.of(8192)));
    }
    rig.kick(0);
    Map<Integer, Integer> lengths = new HashMap<>();
    Map<Integer, byte[]> got = rig.await(0, 3, lengths);
    assertEquals(List.of("read " + 64 * 512 + "+" + 3 * 8192), backend.calls);
    for (int i = 0; i < 3; i++) {
      byte[] r = got.get(reads.get(i));
      assertEquals(VirtioBlk.S_OK, rig.status(r));
      assertArrayEquals(slice(data, i * 8192, (i + 1) * 8192), slice(r, 0, 8192));
      assertEquals(8192 + 1, lengths.get(reads.get(i)));
    }
  }

  @Test
  void aShortMergedReadFailsOnlyTheRequestsItDidNotReach() throws Exception {
    Path file = image(DISK_BYTES);
    RecordingBackend backend = new RecordingBackend(RawImageFile.open(file, false, 0));
    rig = Rig.direct(file, backend, null, true);
    backend.readLimit = 8192 + 4096; // the first request whole, the second half
    List<Integer> reads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      reads.add(rig.make(0, VirtioBlk.T_IN, 16 * i, List.of(), List.of(8192)));
    }
    rig.kick(0);
    Map<Integer, Integer> lengths = new HashMap<>();
    Map<Integer, byte[]> got = rig.await(0, 3, lengths);
    assertEquals(1, backend.calls.size(), backend.calls.toString());
    assertEquals(VirtioBlk.S_OK, rig.status(got.get(reads.get(0))));
    assertEquals(8192 + 1, lengths.get(reads.get(0)));
    for (int i = 1; i < 3; i++) {
      assertEquals(VirtioBlk.S_IOERR, rig.status(got.get(reads.get(i))));
      assertEquals(1, lengths.get(reads.get(i)), "only the status byte counts as written");
    }
  }

  @Test
  void aDrainOnTheIoThreadSignalsItsBatchOnce() throws Exception {
    Path file = image(DISK_BYTES);
    rig = Rig.direct(file, RawImageFile.open(file, false, 0), null, true);
    MockDriver d = rig.drivers.get(0);
    for (int i = 0; i < 10; i++) {
      byte[] header = new byte[16];
      ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putInt(VirtioBlk.T_IN).putInt(0);
      assertTrue(d.add(List.of(header), List.of(4096, 1)) >= 0);
    }
    rig.core.notifyOnIoThread(0); // drains here, completing each read in place
    assertEquals(10, rig.await(0, 10, null).size());
    assertEquals(1, rig.usedSignals, "one interrupt for the batch");
  }

  @Test
  void indirectChainsWork() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, true, false);
    byte[] data = pattern(8192, 2);
    assertEquals(
        VirtioBlk.S_OK, rig.status(rig.call(0, VirtioBlk.T_OUT, 0, List.of(data), List.of())));
    byte[] r = rig.call(0, VirtioBlk.T_IN, 0, List.of(), List.of(4096, 4096));
    assertArrayEquals(data, slice(r, 0, 8192));
  }

  @Test
  void manyRequestsInFlightOnSeveralQueues() throws Exception {
    rig = new Rig(image(DISK_BYTES), 2, false, false, false);
    assertTrue((rig.core.offeredFeatures() & (1L << VirtioBlk.F_MQ)) != 0);
    byte[] cfg = new byte[2];
    rig.core.readConfig(34, cfg);
    assertEquals(2, cfg[0], "num_queues");
    for (int q = 0; q < 2; q++) {
      for (int i = 0; i < 20; i++) {
        rig.submit(
            q, VirtioBlk.T_OUT, (q * 24 + i) * 8L, List.of(pattern(4096, q * 100 + i)), List.of());
      }
    }
    for (int q = 0; q < 2; q++) {
      for (byte[] w : rig.await(q, 20, null).values()) {
        assertEquals(VirtioBlk.S_OK, rig.status(w));
      }
    }
    byte[] disk = Files.readAllBytes(rig.image);
    for (int q = 0; q < 2; q++) {
      for (int i = 0; i < 20; i++) {
        int at = (q * 24 + i) * 4096;
        assertArrayEquals(
            pattern(4096, q * 100 + i), slice(disk, at, at + 4096), "block " + (q * 24 + i));
      }
    }
  }

  @Test
  void getIdFlushAndUnknownTypes() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, false, false);
    byte[] id = rig.call(0, VirtioBlk.T_GET_ID, 0, List.of(), List.of(20));
    assertEquals(VirtioBlk.S_OK, rig.status(id));
    assertEquals("parasol-disk-0", new String(slice(id, 0, 14), StandardCharsets.US_ASCII));
    assertEquals(0, id[14], "NUL-padded");
    assertEquals(
        VirtioBlk.S_OK, rig.status(rig.call(0, VirtioBlk.T_FLUSH, 0, List.of(), List.of())));
    assertEquals(VirtioBlk.S_UNSUPP, rig.status(rig.call(0, 99, 0, List.of(), List.of())));
  }

  @Test
  void badRangesGetIoErrors() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, false, false);
    long lastSector = DISK_BYTES / 512 - 1;
    assertEquals(
        VirtioBlk.S_OK,
        rig.status(rig.call(0, VirtioBlk.T_IN, lastSector, List.of(), List.of(512))));
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(rig.call(0, VirtioBlk.T_IN, lastSector, List.of(), List.of(1024))),
        "past the end");
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(rig.call(0, VirtioBlk.T_IN, 0, List.of(), List.of(100))),
        "not whole sectors");
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(rig.call(0, VirtioBlk.T_IN, -1L, List.of(), List.of(512))),
        "sector 2^64-1");
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(
            rig.call(0, VirtioBlk.T_OUT, Long.MAX_VALUE / 256, List.of(new byte[512]), List.of())),
        "overflowing offset");
  }

  @Test
  void writeZeroesAndDiscard() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, false, false);
    assertTrue((rig.core.offeredFeatures() & (1L << VirtioBlk.F_DISCARD)) != 0);
    assertTrue((rig.core.offeredFeatures() & (1L << VirtioBlk.F_WRITE_ZEROES)) != 0);
    byte[] data = pattern(64 * 512, 3);
    rig.call(0, VirtioBlk.T_OUT, 0, List.of(data), List.of());
    // Zero sectors 4..11 (no unmap) and 20..23 (unmap), in one request of two segments.
    byte[] r =
        rig.call(
            0, VirtioBlk.T_WRITE_ZEROES, 0, List.of(range(4, 8, 0), range(20, 4, 1)), List.of());
    assertEquals(VirtioBlk.S_OK, rig.status(r));
    byte[] disk = Files.readAllBytes(rig.image);
    for (int s = 0; s < 64; s++) {
      boolean zeroed = (s >= 4 && s < 12) || (s >= 20 && s < 24);
      byte[] got = slice(disk, s * 512, s * 512 + 512);
      if (zeroed) {
        assertArrayEquals(new byte[512], got, "sector " + s);
      } else {
        assertArrayEquals(slice(data, s * 512, s * 512 + 512), got, "sector " + s);
      }
    }
    assertEquals(
        VirtioBlk.S_OK,
        rig.status(rig.call(0, VirtioBlk.T_DISCARD, 0, List.of(range(32, 16, 0)), List.of())));
    assertEquals(
        VirtioBlk.S_UNSUPP,
        rig.status(rig.call(0, VirtioBlk.T_DISCARD, 0, List.of(range(32, 16, 1)), List.of())),
        "unmap flag on discard");
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(
            rig.call(0, VirtioBlk.T_DISCARD, 0, List.of(range(DISK_BYTES / 512, 1, 0)), List.of())),
        "past the end");
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(rig.call(0, VirtioBlk.T_DISCARD, 0, List.of(new byte[10]), List.of())),
        "partial segment");
  }

  @Test
  void readOnlyDisksRefuseWrites() throws Exception {
    Path p = image(DISK_BYTES);
    byte[] before = Files.readAllBytes(p);
    rig = new Rig(p, 1, false, false, true);
    long f = rig.core.offeredFeatures();
    assertTrue((f & (1L << VirtioBlk.F_RO)) != 0);
    assertEquals(0, f & (1L << VirtioBlk.F_DISCARD));
    assertEquals(
        VirtioBlk.S_IOERR,
        rig.status(rig.call(0, VirtioBlk.T_OUT, 0, List.of(pattern(512, 4)), List.of())));
    assertEquals(
        VirtioBlk.S_UNSUPP,
        rig.status(rig.call(0, VirtioBlk.T_WRITE_ZEROES, 0, List.of(range(0, 1, 0)), List.of())));
    assertEquals(
        VirtioBlk.S_OK, rig.status(rig.call(0, VirtioBlk.T_IN, 0, List.of(), List.of(512))));
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void aRequestWithoutStatusByteMeansNeedsReset() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, false, false);
    byte[] header = new byte[16];
    rig.drivers.get(0).add(List.of(header), List.of());
    rig.core.notify(0);
    synchronized (rig) {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while ((rig.core.status() & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
        assertTrue(System.nanoTime() < deadline, "NEEDS_RESET within 20 s");
        rig.wait(100);
      }
    }
    assertEquals(1, rig.configChanges);
  }

  @Test
  void configSpaceDescribesTheDisk() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, false, false);
    byte[] cfg = new byte[rig.core.configSizeBytes()];
    rig.core.readConfig(0, cfg);
    MemorySegment c = MemorySegment.ofArray(cfg);
    assertEquals(DISK_BYTES / 512, c.get(ValueLayout.JAVA_LONG_UNALIGNED, 0), "capacity");
    assertEquals(62, c.get(ValueLayout.JAVA_INT_UNALIGNED, 12), "seg_max");
    assertEquals(512, c.get(ValueLayout.JAVA_INT_UNALIGNED, 20), "blk_size");
    assertTrue((rig.blk.deviceFeatures() & (1L << VirtioBlk.F_SIZE_MAX)) != 0, "pool chunks");
  }

  @Test
  void aDeviceOnGuestBuffersInPlaceOffersNoSizeMax() throws Exception {
    Path file = image(DISK_BYTES);
    rig = Rig.direct(file, RawImageFile.open(file, false, 0), null, true);
    assertEquals(0, rig.blk.deviceFeatures() & (1L << VirtioBlk.F_SIZE_MAX));
  }

  @Test
  void resetWithRequestsInFlightIsClean() throws Exception {
    rig = new Rig(image(DISK_BYTES), 1, false, false, false);
    for (int i = 0; i < 20; i++) {
      rig.submit(0, VirtioBlk.T_OUT, i * 8L, List.of(pattern(4096, i)), List.of());
    }
    rig.core.setStatus(0);
    assertEquals(0, rig.blk.inflight(), "reset waited for every request");
    assertEquals(0, rig.core.status());
    assertNotEquals(0, rig.pool.freeChunks());
    assertEquals(
        rig.pool.capacityBytes() / HostBufferPool.CHUNK_BYTES,
        rig.pool.freeChunks(),
        "buffers returned");
  }

  static byte[] range(long sector, int sectors, int flags) {
    return ByteBuffer.allocate(16)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(sector)
        .putInt(sectors)
        .putInt(flags)
        .array();
  }

  static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }
}
