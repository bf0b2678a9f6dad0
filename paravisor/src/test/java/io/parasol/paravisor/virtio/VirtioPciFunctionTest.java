package io.parasol.paravisor.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.backend.file.RawImageFile;
import io.parasol.bounce.HostBufferPool;
import io.parasol.isolation.HeapPartition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.paravisor.chipset.ioapic.IoApic;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.pci.PciRoot;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.device.DeviceStatus;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.device.VirtioTransportCore;
import io.parasol.virtio.queue.VirtioFeature;
import io.parasol.virtio.rng.VirtioRng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtio-pci function as a guest sees it: PCI configuration space through ECAM, BAR 0 through the
 * bus, a driver doing virtio v1.2 §3.1.1 and §4.1.5.1 step by step, and its interrupts through
 * MSI-X or INTA# on an IOAPIC pin.
 */
class VirtioPciFunctionTest {
  private static final long BAR_GPA = 0xC000_0000L;
  private static final int SLOT = 3;
  private static final int MSI_VECTOR_BASE = 0x40;
  private static final int INTX_PIN = 10;

  private final HeapPartition partition = HeapPartition.ofSize(64L << 20);
  private final GuestMemory memory = partition.memory();
  private final ChipsetBus bus = new ChipsetBus();
  private final PciRoot root = new PciRoot();
  private final BlockingQueue<long[]> msis = new LinkedBlockingQueue<>();
  private final List<long[]> ioApicMsis = new ArrayList<>();
  private final IoApic ioApic =
      new IoApic(
          IoApic.defaultRegion(),
          0,
          (address, data) -> {
            synchronized (ioApicMsis) {
              ioApicMsis.add(new long[] {address, data});
            }
          },
          (pin, address, data, masked) -> {});
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private VirtioPciFunction function;

  VirtioPciFunctionTest() {
    bus.register(new PciEcam(root, PciEcam.DEFAULT_BASE, 1));
    bus.register(ioApic);
  }

  @AfterEach
  void close() throws Exception {
    if (function != null) {
      function.reset();
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private VirtioPciFunction attach(VirtioDevice device) {
    return attach(device, VirtioTransportCore.RING_FEATURES);
  }

  private VirtioPciFunction attach(VirtioDevice device, long ringFeatures) {
    InterruptLine pin = ioApic.pin(INTX_PIN);
    pin.setLevel(true); // active low: idle high
    function =
        new VirtioPciFunction(
            "virtio-test",
            device,
            memory,
            (address, data) -> msis.add(new long[] {address, data}),
            asserted -> pin.setLevel(!asserted),
            bus,
            null,
            ringFeatures);
    function.setInterruptLine(INTX_PIN);
    root.registerDevice(0, SLOT, 0, function);
    function.placeBar(BAR_GPA);
    return function;
  }

  // ---- configuration space through ECAM ----

  private long cfgAddress(int register) {
    return PciEcam.DEFAULT_BASE + ((long) SLOT << 15) + register;
  }

  private long cfgRead(int register, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    bus.readMmio(cfgAddress(register), v);
    return v.value();
  }

  private int cfg8(int register) {
    return (int) cfgRead(register, AccessSize.BYTE);
  }

  private int cfg16(int register) {
    return (int) cfgRead(register, AccessSize.WORD);
  }

  private int cfg32(int register) {
    return (int) cfgRead(register, AccessSize.DWORD);
  }

  private void cfgWrite(int register, AccessSize size, long value) {
    bus.writeMmio(cfgAddress(register), new IoValue(size, value));
  }

  // ---- BAR 0 through the bus ----

  private long bar() {
    return function.mappedBar().base();
  }

  private long read(long offset, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    bus.readMmio(bar() + offset, v);
    return v.value();
  }

  private void write(long offset, AccessSize size, long value) {
    bus.writeMmio(bar() + offset, new IoValue(size, value));
  }

  /** Capabilities as (id, offset) pairs, following the list from the Capabilities Pointer. */
  private List<int[]> capabilities() {
    List<int[]> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int at = cfg8(0x34); at != 0; at = cfg8(at + 1)) {
      assertTrue(seen.add(at), "capability list loops at " + at);
      assertEquals(0, at & 3, "capabilities are dword aligned");
      assertTrue(at >= 0x40 && at < 0x100, "capability at " + at);
      out.add(new int[] {cfg8(at), at});
    }
    return out;
  }

  private int virtioCap(int cfgType) {
    for (int[] c : capabilities()) {
      if (c[0] == VirtioPciFunction.VENDOR_CAPABILITY && cfg8(c[1] + 3) == cfgType) {
        return c[1];
      }
    }
    throw new AssertionError("no virtio capability of type " + cfgType);
  }

  private int msixCap() {
    for (int[] c : capabilities()) {
      if (c[0] == 0x11) {
        return c[1];
      }
    }
    throw new AssertionError("no MSI-X capability");
  }

  @Test
  void configSpaceIdentifiesAModernVirtioFunction() {
    attach(new VirtioRng(new Random(1)));
    assertEquals(0x1AF4, cfg16(0x00));
    assertEquals(0x1040 + 4, cfg16(0x02));
    assertEquals(1, cfg8(0x08), "revision 1: non-transitional");
    assertEquals(0xFF0000, cfg32(0x08) >>> 8);
    assertEquals(0x1AF4, cfg16(0x2C));
    assertEquals(0x1100, cfg16(0x2E));
    assertEquals(0, cfg8(0x0E), "single-function type-0 header");
    assertEquals(1, cfg8(0x3D), "INTA#");
    assertEquals(INTX_PIN, cfg8(0x3C));
    assertTrue((cfg16(0x06) & 0x10) != 0, "Status.Capabilities List");
  }

  @Test
  void capabilitiesDescribeTheStructuresAsTheSpecSays() {
    attach(new VirtioRng(new Random(1)));
    int[][] expected = {
      {VirtioPciFunction.CFG_COMMON, 0x0000, 0x38},
      {VirtioPciFunction.CFG_NOTIFY, 0x3000, 4},
      {VirtioPciFunction.CFG_ISR, 0x1000, 1},
    };
    for (int[] e : expected) {
      int cap = virtioCap(e[0]);
      assertEquals(0, cfg8(cap + 4), "bar of type " + e[0]);
      assertEquals(e[1], cfg32(cap + 8), "offset of type " + e[0]);
      assertEquals(e[2], cfg32(cap + 12), "length of type " + e[0]);
      assertTrue(cfg8(cap + 2) >= 16, "cap_len");
    }
    int notify = virtioCap(VirtioPciFunction.CFG_NOTIFY);
    assertEquals(20, cfg8(notify + 2));
    assertEquals(4, cfg32(notify + 16), "notify_off_multiplier");
    assertEquals(20, cfg8(virtioCap(VirtioPciFunction.CFG_PCI) + 2));
    // virtio-rng has no device configuration: no cfg_type 4 structure.
    assertTrue(
        capabilities().stream()
            .noneMatch(c -> c[0] == 0x09 && cfg8(c[1] + 3) == VirtioPciFunction.CFG_DEVICE));
    int msix = msixCap();
    assertEquals(1, (cfg16(msix + 2) & 0x7FF), "two vectors: one queue and the configuration");
    assertEquals(0x4000, cfg32(msix + 4), "table at 0x4000 of BAR 0");
    assertEquals(0x6000, cfg32(msix + 8), "PBA at 0x6000 of BAR 0");
    // BAR 0: 64-bit memory, 32 KiB, at the address the builder gave it.
    assertEquals(0b100, cfg32(0x10) & 0xF);
    assertEquals(BAR_GPA, Integer.toUnsignedLong(cfg32(0x10)) & ~0xFL);
    assertEquals(0, cfg32(0x14));
  }

  @Test
  void blkHasADeviceConfigurationStructureWithItsCapacity(@TempDir Path dir) throws Exception {
    attach(blk(dir, 1 << 20));
    int cap = virtioCap(VirtioPciFunction.CFG_DEVICE);
    assertEquals(0x2000, cfg32(cap + 8));
    assertTrue(cfg32(cap + 12) >= 8);
    assertEquals(2048, read(0x2000, AccessSize.DWORD), "capacity in sectors, low half");
    assertEquals(0, read(0x2004, AccessSize.DWORD));
    assertEquals(1, read(VirtioPciFunction.NUM_QUEUES, AccessSize.WORD));
    assertEquals(0x1042, cfg16(0x02));
    assertEquals(0x010000, cfg32(0x08) >>> 8, "mass storage");
  }

  @Test
  void barAnswersSizingFollowsAMoveAndStopsDecodingWhenMemorySpaceIsOff() {
    attach(new VirtioRng(new Random(1)));
    long featureReg = BAR_GPA + VirtioPciFunction.DEVICE_FEATURE;
    assertTrue(bus.claimsMmio(featureReg));
    // Sizing as Linux does it: decoding off, all-ones, read back, restore.
    cfgWrite(0x04, AccessSize.WORD, 0);
    assertFalse(bus.claimsMmio(featureReg), "Memory Space off: the BAR is not decoded");
    cfgWrite(0x10, AccessSize.DWORD, 0xFFFF_FFFFL);
    cfgWrite(0x14, AccessSize.DWORD, 0xFFFF_FFFFL);
    assertEquals(0xFFFF_8004L, Integer.toUnsignedLong(cfg32(0x10)), "32 KiB, 64-bit");
    assertEquals(0xFFFF_FFFFL, Integer.toUnsignedLong(cfg32(0x14)));
    long moved = 0xD012_8000L;
    cfgWrite(0x10, AccessSize.DWORD, moved);
    cfgWrite(0x14, AccessSize.DWORD, 0);
    assertNull(function.mappedBar());
    cfgWrite(0x04, AccessSize.WORD, 0x0006);
    assertEquals(new IoRegion("virtio-test", moved, 0x8000), function.mappedBar());
    assertFalse(bus.claimsMmio(featureReg), "the old place is free");
    IoValue v = IoValue.forRead(AccessSize.WORD);
    bus.readMmio(moved + VirtioPciFunction.NUM_QUEUES, v);
    assertEquals(1, v.value(), "num_queues at the new place");
    // Above 4 GiB through the high dword.
    cfgWrite(0x14, AccessSize.DWORD, 0x2);
    assertEquals(0x2_D012_8000L, function.mappedBar().base());
    // Onto another device (the ECAM window): refused and left unmapped, nothing thrown.
    cfgWrite(0x14, AccessSize.DWORD, 0);
    cfgWrite(0x10, AccessSize.DWORD, PciEcam.DEFAULT_BASE);
    assertNull(function.mappedBar());
    assertEquals(0, bus.deviceFaults());
    cfgWrite(0x10, AccessSize.DWORD, BAR_GPA);
    assertEquals(BAR_GPA, function.mappedBar().base());
  }

  /** §3.1.1 up to and including FEATURES_OK; returns the features offered. */
  private long negotiate() {
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0);
    assertEquals(0, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE));
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, DeviceStatus.ACKNOWLEDGE);
    write(
        VirtioPciFunction.DEVICE_STATUS,
        AccessSize.BYTE,
        DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    long offered = 0;
    for (int sel = 0; sel < 2; sel++) {
      write(VirtioPciFunction.DEVICE_FEATURE_SELECT, AccessSize.DWORD, sel);
      offered |= read(VirtioPciFunction.DEVICE_FEATURE, AccessSize.DWORD) << (32 * sel);
    }
    assertTrue(VirtioFeature.has(offered, VirtioFeature.VERSION_1));
    long wanted = VirtioFeature.bit(VirtioFeature.VERSION_1);
    for (int sel = 0; sel < 2; sel++) {
      write(VirtioPciFunction.DRIVER_FEATURE_SELECT, AccessSize.DWORD, sel);
      write(
          VirtioPciFunction.DRIVER_FEATURE, AccessSize.DWORD, wanted >>> (32 * sel) & 0xFFFF_FFFFL);
    }
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0B);
    assertEquals(0x0B, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE), "FEATURES_OK stuck");
    return offered;
  }

  /** A split ring of {@link #RING_SIZE} at a fixed place per queue. */
  private static final int RING_SIZE = 16;

  private static long descGpa(int q) {
    return 0x10_0000L + q * 0x1_0000L;
  }

  private static long availGpa(int q) {
    return descGpa(q) + 16 * RING_SIZE;
  }

  private static long usedGpa(int q) {
    return descGpa(q) + 0x1000;
  }

  /** §4.1.5.1.3 queue setup with 32-bit halves of the addresses, as Linux writes them. */
  private void setUpQueue(int q, int vector) {
    write(VirtioPciFunction.QUEUE_SELECT, AccessSize.WORD, q);
    assertTrue(read(VirtioPciFunction.QUEUE_SIZE, AccessSize.WORD) >= RING_SIZE);
    assertEquals(0, read(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD));
    write(VirtioPciFunction.QUEUE_SIZE, AccessSize.WORD, RING_SIZE);
    long[][] regs = {
      {VirtioPciFunction.QUEUE_DESC, descGpa(q)},
      {VirtioPciFunction.QUEUE_DRIVER, availGpa(q)},
      {VirtioPciFunction.QUEUE_DEVICE, usedGpa(q)},
    };
    for (long[] r : regs) {
      write(r[0], AccessSize.DWORD, r[1] & 0xFFFF_FFFFL);
      write(r[0] + 4, AccessSize.DWORD, r[1] >>> 32);
      assertEquals(r[1], read(r[0], AccessSize.QWORD));
    }
    write(VirtioPciFunction.QUEUE_MSIX_VECTOR, AccessSize.WORD, vector);
    assertEquals(vector, read(VirtioPciFunction.QUEUE_MSIX_VECTOR, AccessSize.WORD));
    assertEquals(q, read(VirtioPciFunction.QUEUE_NOTIFY_OFF, AccessSize.WORD));
    write(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD, 1);
    assertEquals(1, read(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD));
  }

  private void enableMsix() {
    int cap = msixCap();
    cfgWrite(cap + 2, AccessSize.WORD, 0x8000);
    for (int v = 0; v < function.msix().vectors(); v++) {
      long entry = VirtioPciFunction.MSIX_TABLE_OFFSET + 16L * v;
      write(entry, AccessSize.DWORD, 0xFEE0_0000L);
      write(entry + 4, AccessSize.DWORD, 0);
      write(entry + 8, AccessSize.DWORD, MSI_VECTOR_BASE + v);
      write(entry + 12, AccessSize.DWORD, 0);
    }
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
    write(VirtioPciFunction.NOTIFY_OFFSET + 4L * q, AccessSize.WORD, q);
  }

  private int usedIdx(int q) throws Exception {
    return memory.readShort(usedGpa(q) + 2) & 0xFFFF;
  }

  private long[] awaitMsi() throws InterruptedException {
    long[] m = msis.poll(20, TimeUnit.SECONDS);
    assertTrue(m != null, "no MSI");
    return m;
  }

  @Test
  void splitRingFeaturesOfferEverythingButThePackedRing() {
    attach(new VirtioRng(new Random(7)), VirtioTransportCore.SPLIT_RING_FEATURES);
    long offered = negotiate();
    assertFalse(VirtioFeature.has(offered, VirtioFeature.RING_PACKED));
    assertTrue(VirtioFeature.has(offered, VirtioFeature.RING_INDIRECT_DESC));
    assertTrue(VirtioFeature.has(offered, VirtioFeature.EVENT_IDX));
  }

  @Test
  void everyRingFeatureIncludesThePackedRing() {
    attach(new VirtioRng(new Random(7)));
    assertTrue(VirtioFeature.has(negotiate(), VirtioFeature.RING_PACKED));
  }

  @Test
  void aDriverInitializesVirtioRngAndGetsEntropyWithAnMsix() throws Exception {
    attach(new VirtioRng(new Random(7)));
    negotiate();
    enableMsix();
    write(VirtioPciFunction.CONFIG_MSIX_VECTOR, AccessSize.WORD, 1);
    assertEquals(1, read(VirtioPciFunction.CONFIG_MSIX_VECTOR, AccessSize.WORD));
    setUpQueue(0, 0);
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0F);
    assertEquals(0x0F, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE));

    submit(0, 0, new long[] {0x20_0000L, 64, 1});
    long[] msi = awaitMsi();
    assertEquals(0xFEE0_0000L, msi[0]);
    assertEquals(MSI_VECTOR_BASE, msi[1], "queue 0's vector");
    assertEquals(1, usedIdx(0));
    assertEquals(64, memory.readInt(usedGpa(0) + 8), "used length");
    byte[] got = memory.readBytes(0x20_0000L, 64);
    assertFalse(Arrays.equals(new byte[64], got), "entropy was written");
    assertFalse(function.intxAsserted(), "no INTx while MSI-X is on");

    // Reset: the device forgets its queues and vectors, the ISR is clear.
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0);
    assertEquals(0, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE));
    assertEquals(0xFFFF, read(VirtioPciFunction.CONFIG_MSIX_VECTOR, AccessSize.WORD));
    write(VirtioPciFunction.QUEUE_SELECT, AccessSize.WORD, 0);
    assertEquals(0, read(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD));
    assertEquals(0, read(VirtioPciFunction.QUEUE_DESC, AccessSize.QWORD));
  }

  @Test
  void aDriverWritesAndReadsASectorOfVirtioBlkOverARawFile(@TempDir Path dir) throws Exception {
    Path image = dir.resolve("disk.img");
    attach(blk(dir, 1 << 20));
    long offered = negotiate();
    assertFalse(VirtioFeature.has(offered, 5), "VIRTIO_BLK_F_RO not offered for a writable disk");
    enableMsix();
    setUpQueue(0, 0);
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0F);

    // VIRTIO_BLK_T_OUT of sector 3: header, 512 data bytes, status.
    long header = 0x30_0000L;
    long data = 0x30_1000L;
    long status = 0x30_2000L;
    byte[] sector = new byte[512];
    new Random(3).nextBytes(sector);
    memory.writeInt(header, 1);
    memory.writeLong(header + 8, 3);
    memory.write(data, sector);
    memory.writeByte(status, (byte) 0xFF);
    submit(0, 0, new long[] {header, 16, 0}, new long[] {data, 512, 0}, new long[] {status, 1, 1});
    assertEquals(MSI_VECTOR_BASE, awaitMsi()[1]);
    assertEquals(0, memory.readByte(status), "VIRTIO_BLK_S_OK");
    byte[] onDisk = Arrays.copyOfRange(Files.readAllBytes(image), 3 * 512, 4 * 512);
    assertTrue(Arrays.equals(sector, onDisk), "the sector reached the file");

    // VIRTIO_BLK_T_IN of the same sector into fresh memory.
    memory.writeInt(header, 0);
    long back = 0x30_4000L;
    submit(0, 3, new long[] {header, 16, 0}, new long[] {back, 512, 1}, new long[] {status, 1, 1});
    assertEquals(MSI_VECTOR_BASE, awaitMsi()[1]);
    assertEquals(0, memory.readByte(status));
    assertTrue(Arrays.equals(sector, memory.readBytes(back, 512)));
    assertEquals(2, usedIdx(0));
  }

  @Test
  void aMaskedVectorIsPendingAndSentWhenUnmasked() throws Exception {
    attach(new VirtioRng(new Random(7)));
    negotiate();
    enableMsix();
    setUpQueue(0, 0);
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0F);
    long control = VirtioPciFunction.MSIX_TABLE_OFFSET + 12;
    write(control, AccessSize.DWORD, 1);

    submit(0, 0, new long[] {0x20_0000L, 16, 1});
    assertEquals(1, usedIdx(0));
    assertTrue(msis.isEmpty(), "masked: nothing sent");
    assertEquals(1, read(VirtioPciFunction.MSIX_PBA_OFFSET, AccessSize.QWORD) & 1, "pending");
    write(control, AccessSize.DWORD, 0);
    assertEquals(MSI_VECTOR_BASE, awaitMsi()[1]);
    assertEquals(0, read(VirtioPciFunction.MSIX_PBA_OFFSET, AccessSize.QWORD) & 1);

    // Function Mask works the same way.
    int cap = msixCap();
    cfgWrite(cap + 2, AccessSize.WORD, 0xC000);
    submit(0, 1, new long[] {0x20_0000L, 16, 1});
    assertTrue(msis.isEmpty());
    assertTrue(function.msix().isPending(0));
    cfgWrite(cap + 2, AccessSize.WORD, 0x8000);
    assertEquals(MSI_VECTOR_BASE, awaitMsi()[1]);

    // A message address outside the local APICs is dropped, never sent.
    write(VirtioPciFunction.MSIX_TABLE_OFFSET, AccessSize.DWORD, 0x1234_0000L);
    submit(0, 2, new long[] {0x20_0000L, 16, 1});
    assertTrue(msis.isEmpty());
    assertEquals(1, function.msix().droppedMessages());
  }

  @Test
  void withoutMsixTheIsrAndInta() throws Exception {
    attach(new VirtioRng(new Random(7)));
    // IOAPIC pin 10: vector 0x55, level-triggered, active low, unmasked (as Linux programs a PCI
    // interrupt it found through the Interrupt Line).
    long rte = 0x55 | 1L << 13 | 1L << 15;
    ioApicWrite(0x10 + 2 * INTX_PIN, rte);
    ioApicWrite(0x10 + 2 * INTX_PIN + 1, 0);
    negotiate();
    setUpQueue(0, 0); // a vector, but MSI-X is off: INTx it is
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0F);

    submit(0, 0, new long[] {0x20_0000L, 16, 1});
    assertTrue(function.intxAsserted());
    assertTrue((cfg16(0x06) & 0x08) != 0, "Status.Interrupt Status");
    assertEquals(1, ioApicVectors().size());
    assertEquals(0x55, ioApicVectors().get(0));
    assertEquals(1, read(VirtioPciFunction.ISR_OFFSET, AccessSize.BYTE), "used-buffer bit");
    assertFalse(function.intxAsserted(), "reading the ISR deasserts INTA#");
    assertEquals(0, read(VirtioPciFunction.ISR_OFFSET, AccessSize.BYTE), "and clears it");
    ioApic.endOfInterrupt(0x55);
    assertEquals(1, ioApicVectors().size(), "deasserted: no second delivery after the EOI");
    assertTrue(msis.isEmpty());

    // Command.Interrupt Disable keeps INTA# quiet; the ISR still says why.
    cfgWrite(0x04, AccessSize.WORD, 0x0406);
    submit(0, 1, new long[] {0x20_0000L, 16, 1});
    assertFalse(function.intxAsserted());
    assertEquals(1, read(VirtioPciFunction.ISR_OFFSET, AccessSize.BYTE));
  }

  private void ioApicWrite(int index, long value) {
    bus.writeMmio(IoApic.DEFAULT_BASE, new IoValue(AccessSize.DWORD, index));
    bus.writeMmio(IoApic.DEFAULT_BASE + 0x10, new IoValue(AccessSize.DWORD, value));
  }

  private List<Integer> ioApicVectors() {
    synchronized (ioApicMsis) {
      return ioApicMsis.stream().map(m -> (int) (m[1] & 0xFF)).toList();
    }
  }

  @Test
  void badDriverValuesAreRefusedOrReadBackAsTheSpecSays() throws Exception {
    attach(new VirtioRng(new Random(7)));
    negotiate();
    // A vector past the table reads back NO_VECTOR (§4.1.4.3.2).
    write(VirtioPciFunction.CONFIG_MSIX_VECTOR, AccessSize.WORD, 500);
    assertEquals(0xFFFF, read(VirtioPciFunction.CONFIG_MSIX_VECTOR, AccessSize.WORD));
    // A queue that does not exist: size 0, writes ignored.
    write(VirtioPciFunction.QUEUE_SELECT, AccessSize.WORD, 9);
    assertEquals(0, read(VirtioPciFunction.QUEUE_SIZE, AccessSize.WORD));
    write(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD, 1);
    assertEquals(0, read(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD));
    // Wrong widths and offsets are refused: reads give all-ones, writes do nothing.
    long refused = bus.refusedAccesses();
    assertEquals(0xFFFF_FFFFL, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.DWORD));
    assertEquals(0xFF, read(VirtioPciFunction.NUM_QUEUES + 1, AccessSize.BYTE));
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.WORD, 0);
    assertEquals(0x0B, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE));
    assertEquals(0xFFFF, read(0x7FF0, AccessSize.WORD));
    assertTrue(bus.refusedAccesses() >= refused + 4);
    // Features the device did not offer: FEATURES_OK does not stick.
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0);
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 3);
    write(VirtioPciFunction.DRIVER_FEATURE_SELECT, AccessSize.DWORD, 1);
    write(VirtioPciFunction.DRIVER_FEATURE, AccessSize.DWORD, 1 | 1 << 20);
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0B);
    assertEquals(0x03, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE));
    // A ring outside guest RAM: DRIVER_OK leads to DEVICE_NEEDS_RESET, not to a crash.
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0);
    negotiate();
    write(VirtioPciFunction.QUEUE_SELECT, AccessSize.WORD, 0);
    write(VirtioPciFunction.QUEUE_DESC + 4, AccessSize.DWORD, 0x7000);
    write(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD, 1);
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0x0F);
    write(VirtioPciFunction.NOTIFY_OFFSET, AccessSize.WORD, 0);
    assertTrue((read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE) & 0x40) != 0);
    assertEquals(0, bus.deviceFaults());
  }

  @Test
  void thePciConfigurationAccessCapabilityReachesTheBar() {
    attach(new VirtioRng(new Random(7)));
    int cap = virtioCap(VirtioPciFunction.CFG_PCI);
    cfgWrite(cap + 4, AccessSize.BYTE, 0);
    cfgWrite(cap + 8, AccessSize.DWORD, VirtioPciFunction.NUM_QUEUES);
    cfgWrite(cap + 12, AccessSize.DWORD, 2);
    assertEquals(1, cfg32(cap + 16) & 0xFFFF, "num_queues through pci_cfg_data");
    cfgWrite(cap + 8, AccessSize.DWORD, VirtioPciFunction.DEVICE_STATUS);
    cfgWrite(cap + 12, AccessSize.DWORD, 1);
    cfgWrite(cap + 16, AccessSize.BYTE, DeviceStatus.ACKNOWLEDGE);
    assertEquals(DeviceStatus.ACKNOWLEDGE, read(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE));
    // A misaligned or oversized window reads 0.
    cfgWrite(cap + 8, AccessSize.DWORD, 0x13);
    cfgWrite(cap + 12, AccessSize.DWORD, 4);
    assertEquals(0, cfg32(cap + 16));
  }

  @Test
  void randomGuestAccessesNeverBreakThePartitionOrTheBus(@TempDir Path dir) throws Exception {
    attach(blk(dir, 1 << 20));
    negotiate();
    enableMsix();
    setUpQueue(0, 0);
    Random r = new Random(42);
    AccessSize[] sizes = AccessSize.values();
    for (int i = 0; i < 20_000; i++) {
      AccessSize size = sizes[r.nextInt(sizes.length)];
      long value = r.nextLong();
      if (r.nextInt(4) == 0) {
        int register = r.nextInt(0x100);
        if ((register >= 0x04 && register < 0x08) || (register >= 0x10 && register < 0x18)) {
          continue; // keep the BAR where this test can reach it
        }
        if (r.nextBoolean()) {
          cfgWrite(register, size, value);
        } else {
          cfgRead(register, size);
        }
      } else if (function.mappedBar() != null) {
        long offset = r.nextInt(0x8000) & ~(size.bytes() - 1L);
        if (r.nextBoolean()) {
          write(offset, size, value);
        } else {
          read(offset, size);
        }
      }
    }
    assertEquals(0, bus.deviceFaults());
    // The function still works after a reset.
    negotiate();
    assertNotEquals(0, read(VirtioPciFunction.NUM_QUEUES, AccessSize.WORD));
  }

  private VirtioBlk blk(Path dir, int sizeBytes) throws Exception {
    Path image = dir.resolve("disk.img");
    Files.write(image, new byte[sizeBytes]);
    RawImageFile file = RawImageFile.open(image, false, 2);
    HostBufferPool pool = HostBufferPool.ofPrivateMemory(VirtioBlk.poolBytesFor(options()));
    VirtioBlk blk = new VirtioBlk(file, pool, options());
    toClose.add(blk);
    toClose.add(pool);
    return blk;
  }

  private static VirtioBlk.Options options() {
    return new VirtioBlk.Options("test", 1, 64, false);
  }
}
