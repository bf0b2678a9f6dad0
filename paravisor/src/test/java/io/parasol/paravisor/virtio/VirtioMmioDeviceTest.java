package io.parasol.paravisor.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.file.RawImageFile;
import io.parasol.bounce.HostBufferPool;
import io.parasol.isolation.HeapPartition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.device.DeviceStatus;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.VirtioFeature;
import io.parasol.virtio.rng.VirtioRng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtio-mmio device as a guest sees it through the bus: the register layout of virtio v1.2
 * §4.2.2, a driver doing §3.1.1 and §4.2.3 step by step, its interrupt line, and bad accesses.
 */
class VirtioMmioDeviceTest {
  private static final long BASE = 0xFEB0_0000L;
  private static final int RING_SIZE = 16;

  private final HeapPartition partition = HeapPartition.ofSize(64L << 20);
  private final GuestMemory memory = partition.memory();
  private final ChipsetBus bus = new ChipsetBus();
  private final BlockingQueue<Boolean> levels = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private VirtioMmioDevice device;

  @AfterEach
  void close() throws Exception {
    if (device != null) {
      device.reset();
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private VirtioMmioDevice attach(VirtioDevice virtio) {
    device = new VirtioMmioDevice("virtio-mmio-test", BASE, virtio, memory, levels::add);
    bus.register(device);
    return device;
  }

  private long read(long offset) {
    return read(offset, AccessSize.DWORD);
  }

  private long read(long offset, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    bus.readMmio(BASE + offset, v);
    return v.value();
  }

  private void write(long offset, long value) {
    write(offset, AccessSize.DWORD, value);
  }

  private void write(long offset, AccessSize size, long value) {
    bus.writeMmio(BASE + offset, new IoValue(size, value));
  }

  @Test
  void theRegistersIdentifyAModernDevice() {
    attach(new VirtioRng(new Random(1)));
    assertEquals(0x7472_6976L, read(VirtioMmioDevice.MAGIC), "\"virt\"");
    assertEquals(2, read(VirtioMmioDevice.VERSION_REG));
    assertEquals(4, read(VirtioMmioDevice.DEVICE_ID), "entropy source");
    assertEquals(0x554D_4551L, read(VirtioMmioDevice.VENDOR_ID_REG));
    assertEquals(0, read(VirtioMmioDevice.STATUS));
    assertEquals(0, read(VirtioMmioDevice.INTERRUPT_STATUS));
    assertEquals(0, read(VirtioMmioDevice.CONFIG_GENERATION));
    // No shared memory regions: a length of -1 (§4.2.2).
    write(VirtioMmioDevice.SHM_SEL, 0);
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.SHM_LEN_LOW));
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.SHM_LEN_HIGH));
    // VERSION_1 (bit 32) is offered in the second feature word.
    write(VirtioMmioDevice.DEVICE_FEATURES_SEL, 1);
    assertEquals(1, read(VirtioMmioDevice.DEVICE_FEATURES) & 1);
    write(VirtioMmioDevice.DEVICE_FEATURES_SEL, 2);
    assertEquals(0, read(VirtioMmioDevice.DEVICE_FEATURES));
    assertEquals(List.of(device.region()), bus.mmioRegions().stream().toList());
  }

  @Test
  void aBaseThatIsNotAlignedToTheBlockIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new VirtioMmioDevice(
                "bad", BASE + 0x100, new VirtioRng(new Random(1)), memory, levels::add));
  }

  /** §3.1.1 steps 1–6; returns the offered features. */
  private long negotiate() {
    write(VirtioMmioDevice.STATUS, 0);
    write(VirtioMmioDevice.STATUS, DeviceStatus.ACKNOWLEDGE);
    write(VirtioMmioDevice.STATUS, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    write(VirtioMmioDevice.DEVICE_FEATURES_SEL, 0);
    long offered = read(VirtioMmioDevice.DEVICE_FEATURES);
    write(VirtioMmioDevice.DEVICE_FEATURES_SEL, 1);
    offered |= read(VirtioMmioDevice.DEVICE_FEATURES) << 32;
    assertTrue(VirtioFeature.has(offered, VirtioFeature.VERSION_1));
    write(VirtioMmioDevice.DRIVER_FEATURES_SEL, 0);
    write(VirtioMmioDevice.DRIVER_FEATURES, 0);
    write(VirtioMmioDevice.DRIVER_FEATURES_SEL, 1);
    write(VirtioMmioDevice.DRIVER_FEATURES, 1); // VERSION_1 only: split ring, no event index
    write(VirtioMmioDevice.STATUS, 0x0B);
    assertEquals(0x0B, read(VirtioMmioDevice.STATUS), "FEATURES_OK stuck");
    return offered;
  }

  private static long descGpa(int q) {
    return 0x10_0000L + q * 0x1_0000L;
  }

  private static long availGpa(int q) {
    return descGpa(q) + 16 * RING_SIZE;
  }

  private static long usedGpa(int q) {
    return descGpa(q) + 0x1000;
  }

  /** §4.2.3.2 virtqueue configuration, as Linux's virtio_mmio does it. */
  private void setUpQueue(int q) {
    write(VirtioMmioDevice.QUEUE_SEL, q);
    assertEquals(0, read(VirtioMmioDevice.QUEUE_READY));
    assertTrue(read(VirtioMmioDevice.QUEUE_NUM_MAX) >= RING_SIZE);
    write(VirtioMmioDevice.QUEUE_NUM, RING_SIZE);
    long[][] regs = {
      {VirtioMmioDevice.QUEUE_DESC_LOW, descGpa(q)},
      {VirtioMmioDevice.QUEUE_DRIVER_LOW, availGpa(q)},
      {VirtioMmioDevice.QUEUE_DEVICE_LOW, usedGpa(q)},
    };
    for (long[] r : regs) {
      write(r[0], r[1] & 0xFFFF_FFFFL);
      write(r[0] + 4, r[1] >>> 32);
    }
    write(VirtioMmioDevice.QUEUE_READY, 1);
    assertEquals(1, read(VirtioMmioDevice.QUEUE_READY));
    assertEquals(RING_SIZE, device.core().queueSize(q));
    assertEquals(descGpa(q), device.core().queueDescGpa(q));
    assertEquals(availGpa(q), device.core().queueDriverGpa(q));
    assertEquals(usedGpa(q), device.core().queueDeviceGpa(q));
  }

  private int availIdx;

  /** Puts a chain of (gpa, len, writable) buffers on queue q's avail ring and notifies. */
  private void submit(int q, int head, long[]... buffers) throws Exception {
    for (int i = 0; i < buffers.length; i++) {
      long d = descGpa(q) + 16L * (head + i);
      memory.writeLong(d, buffers[i][0]);
      memory.writeInt(d + 8, (int) buffers[i][1]);
      int flags = (i + 1 < buffers.length ? 1 : 0) | (buffers[i][2] != 0 ? 2 : 0);
      memory.writeShort(d + 12, (short) flags);
      memory.writeShort(d + 14, (short) (head + i + 1));
    }
    memory.writeShort(availGpa(q) + 4 + 2L * (availIdx % RING_SIZE), (short) head);
    availIdx++;
    memory.writeShort(availGpa(q) + 2, (short) availIdx);
    write(VirtioMmioDevice.QUEUE_NOTIFY, q);
  }

  private int usedIdx(int q) throws Exception {
    return memory.readShort(usedGpa(q) + 2) & 0xFFFF;
  }

  /** The next level the line was driven to. */
  private boolean nextLevel() throws InterruptedException {
    Boolean level = levels.poll(20, TimeUnit.SECONDS);
    assertTrue(level != null, "the line did not change");
    return level;
  }

  @Test
  void aDriverGetsEntropyAndTheLineFollowsInterruptStatusUntilAcknowledged() throws Exception {
    attach(new VirtioRng(new Random(7)));
    negotiate();
    setUpQueue(0);
    write(VirtioMmioDevice.STATUS, 0x0F);
    assertEquals(0x0F, read(VirtioMmioDevice.STATUS));

    submit(0, 0, new long[] {0x20_0000L, 64, 1});
    assertTrue(nextLevel(), "asserted for the used buffer");
    assertTrue(device.interruptAsserted());
    assertEquals(VirtioMmioDevice.INTERRUPT_USED_BUFFER, read(VirtioMmioDevice.INTERRUPT_STATUS));
    assertEquals(1, usedIdx(0));
    assertEquals(64, memory.readInt(usedGpa(0) + 8), "used length");
    assertFalse(Arrays.equals(new byte[64], memory.readBytes(0x20_0000L, 64)), "entropy");

    // Acknowledging a bit that is not set changes nothing; the right one lowers the line.
    write(VirtioMmioDevice.INTERRUPT_ACK, VirtioMmioDevice.INTERRUPT_CONFIG_CHANGE);
    assertTrue(device.interruptAsserted());
    write(VirtioMmioDevice.INTERRUPT_ACK, VirtioMmioDevice.INTERRUPT_USED_BUFFER);
    assertFalse(nextLevel(), "deasserted by InterruptACK");
    assertEquals(0, read(VirtioMmioDevice.INTERRUPT_STATUS));

    // Reset: the device forgets its queue and features.
    write(VirtioMmioDevice.STATUS, 0);
    assertEquals(0, read(VirtioMmioDevice.STATUS));
    write(VirtioMmioDevice.QUEUE_SEL, 0);
    assertEquals(0, read(VirtioMmioDevice.QUEUE_READY));
    assertEquals(0, device.core().queueDescGpa(0));
    assertEquals(0, device.core().negotiatedFeatures());
  }

  @Test
  void aDriverWritesAndReadsASectorOfVirtioBlk(@TempDir Path dir) throws Exception {
    Path image = dir.resolve("disk.img");
    attach(blk(image, 1 << 20));
    assertEquals(2, read(VirtioMmioDevice.DEVICE_ID), "block device");
    // The capacity (le64, in sectors) at config offset 0, read in 32-bit halves or bytes.
    assertEquals((1 << 20) / 512, read(VirtioMmioDevice.CONFIG));
    assertEquals(0, read(VirtioMmioDevice.CONFIG + 4));
    assertEquals(((1 << 20) / 512) >>> 8, read(VirtioMmioDevice.CONFIG + 1, AccessSize.BYTE));
    assertEquals(-1L, read(VirtioMmioDevice.CONFIG, AccessSize.QWORD), "no 64-bit accesses");
    negotiate();
    setUpQueue(0);
    write(VirtioMmioDevice.STATUS, 0x0F);

    long header = 0x30_0000L;
    long data = 0x30_1000L;
    long status = 0x30_2000L;
    byte[] sector = new byte[512];
    new Random(3).nextBytes(sector);
    memory.writeInt(header, 1); // VIRTIO_BLK_T_OUT
    memory.writeLong(header + 8, 3);
    memory.write(data, sector);
    memory.writeByte(status, (byte) 0xFF);
    submit(0, 0, new long[] {header, 16, 0}, new long[] {data, 512, 0}, new long[] {status, 1, 1});
    assertTrue(nextLevel());
    write(VirtioMmioDevice.INTERRUPT_ACK, read(VirtioMmioDevice.INTERRUPT_STATUS));
    assertFalse(nextLevel());
    assertEquals(0, memory.readByte(status), "VIRTIO_BLK_S_OK");
    assertTrue(
        Arrays.equals(sector, Arrays.copyOfRange(Files.readAllBytes(image), 3 * 512, 4 * 512)));

    memory.writeInt(header, 0); // VIRTIO_BLK_T_IN
    long back = 0x30_4000L;
    submit(0, 3, new long[] {header, 16, 0}, new long[] {back, 512, 1}, new long[] {status, 1, 1});
    assertTrue(nextLevel());
    assertEquals(0, memory.readByte(status));
    assertTrue(Arrays.equals(sector, memory.readBytes(back, 512)));
    assertEquals(2, usedIdx(0));
  }

  @Test
  void badAccessesAreRefusedAndBadValuesIgnored(@TempDir Path dir) throws Exception {
    attach(blk(dir.resolve("disk.img"), 1 << 20));
    long refused = bus.refusedAccesses();
    // Control registers are 32 bits wide and aligned only.
    assertEquals(0xFF, read(VirtioMmioDevice.MAGIC, AccessSize.BYTE));
    assertEquals(0xFFFF, read(VirtioMmioDevice.VERSION_REG, AccessSize.WORD));
    assertEquals(-1L, read(VirtioMmioDevice.MAGIC, AccessSize.QWORD));
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.MAGIC + 2));
    // Holes, write-only registers and read-only ones.
    assertEquals(0xFFFF_FFFFL, read(0x018));
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.QUEUE_SEL));
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.QUEUE_NOTIFY));
    write(VirtioMmioDevice.MAGIC, 0);
    write(VirtioMmioDevice.DEVICE_ID, 7);
    assertEquals(2, read(VirtioMmioDevice.DEVICE_ID));
    // Past the device configuration (blk's is 60 bytes) and past the block.
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.CONFIG + 0xF0));
    assertEquals(0xFFFF, read(VirtioMmioDevice.CONFIG + 1, AccessSize.WORD), "unaligned");
    assertEquals(0xFFFF_FFFFL, read(VirtioMmioDevice.REGION_LENGTH));
    assertTrue(bus.refusedAccesses() > refused, "the bus counted the refusals");

    // A driver without VERSION_1 is a legacy driver: FEATURES_OK does not stick.
    write(VirtioMmioDevice.STATUS, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    write(VirtioMmioDevice.DRIVER_FEATURES_SEL, 1);
    write(VirtioMmioDevice.DRIVER_FEATURES, 0);
    write(VirtioMmioDevice.STATUS, 0x0B);
    assertEquals(0x03, read(VirtioMmioDevice.STATUS));

    // A queue that does not exist: not available, and its registers ignore writes.
    negotiate();
    write(VirtioMmioDevice.QUEUE_SEL, 5);
    assertEquals(0, read(VirtioMmioDevice.QUEUE_NUM_MAX));
    write(VirtioMmioDevice.QUEUE_READY, 1);
    assertEquals(0, read(VirtioMmioDevice.QUEUE_READY));
    // Queue registers are frozen once DRIVER_OK is set.
    setUpQueue(0);
    write(VirtioMmioDevice.STATUS, 0x0F);
    write(VirtioMmioDevice.QUEUE_DESC_LOW, 0x4000);
    assertEquals(descGpa(0), device.core().queueDescGpa(0));
    // Notifying a queue that does not exist does nothing.
    write(VirtioMmioDevice.QUEUE_NOTIFY, 9);
    assertTrue(levels.isEmpty());
    assertEquals(0, bus.deviceFaults());
  }

  @Test
  void aRingOutsideGuestMemorySetsNeedsResetAndRaisesAConfigurationInterrupt(@TempDir Path dir)
      throws Exception {
    attach(blk(dir.resolve("disk.img"), 1 << 20));
    negotiate();
    write(VirtioMmioDevice.QUEUE_SEL, 0);
    write(VirtioMmioDevice.QUEUE_NUM, RING_SIZE);
    write(VirtioMmioDevice.QUEUE_DESC_HIGH, 0x7000); // far past the 64 MiB of RAM
    write(VirtioMmioDevice.QUEUE_READY, 1);
    write(VirtioMmioDevice.STATUS, 0x0F);
    assertTrue(nextLevel());
    assertEquals(VirtioMmioDevice.INTERRUPT_CONFIG_CHANGE, read(VirtioMmioDevice.INTERRUPT_STATUS));
    assertEquals(DeviceStatus.DEVICE_NEEDS_RESET, read(VirtioMmioDevice.STATUS) & 0x40);
    // The driver resets it and it works again.
    write(VirtioMmioDevice.STATUS, 0);
    assertFalse(nextLevel());
    negotiate();
    setUpQueue(0);
    write(VirtioMmioDevice.STATUS, 0x0F);
    assertEquals(0x0F, read(VirtioMmioDevice.STATUS));
  }

  @Test
  void randomGuestAccessesNeverBreakTheDeviceOrTheBus(@TempDir Path dir) throws Exception {
    attach(blk(dir.resolve("disk.img"), 1 << 20));
    negotiate();
    setUpQueue(0);
    Random r = new Random(42);
    AccessSize[] sizes = AccessSize.values();
    for (int i = 0; i < 20_000; i++) {
      AccessSize size = sizes[r.nextInt(sizes.length)];
      long offset = r.nextInt((int) VirtioMmioDevice.REGION_LENGTH) & ~(size.bytes() - 1L);
      if (r.nextBoolean()) {
        write(offset, size, r.nextInt(8) == 0 ? r.nextInt(4) : r.nextLong());
      } else {
        read(offset, size);
      }
    }
    assertEquals(0, bus.deviceFaults());
    // The device still works after a reset.
    negotiate();
    assertEquals(0x7472_6976L, read(VirtioMmioDevice.MAGIC));
  }

  private VirtioBlk blk(Path image, int sizeBytes) throws Exception {
    Files.write(image, new byte[sizeBytes]);
    RawImageFile file = RawImageFile.open(image, false, 2);
    VirtioBlk.Options options = new VirtioBlk.Options("test", 1, 64, false);
    HostBufferPool pool = HostBufferPool.ofPrivateMemory(VirtioBlk.poolBytesFor(options));
    VirtioBlk blk = new VirtioBlk(file, pool, options);
    toClose.add(blk);
    toClose.add(pool);
    return blk;
  }
}
