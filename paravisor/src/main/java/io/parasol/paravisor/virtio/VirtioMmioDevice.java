package io.parasol.paravisor.virtio;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.MmioDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.device.VirtioInterrupt;
import io.parasol.virtio.device.VirtioTransportCore;
import java.util.List;
import java.util.Objects;

/**
 * A virtio-mmio device, modern only (virtio v1.2 §4.2, Version 2), in front of a {@link
 * VirtioTransportCore}: {@link #REGION_LENGTH} bytes of registers at a fixed guest-physical address
 * and one interrupt line. The guest finds it through the DSDT ({@code LNRO0005} with the region and
 * the line in {@code _CRS}); the legacy Version 1 layout (guest page size, queue PFN) is not
 * offered, as vhost-user back ends such as qemu-storage-daemon do not serve it either.
 *
 * <p><b>Registers</b> (§4.2.2), all 32 bits wide and aligned: MagicValue, Version, DeviceID,
 * VendorID, DeviceFeatures(Sel), DriverFeatures(Sel), QueueSel, QueueNumMax, QueueNum, QueueReady,
 * QueueNotify, InterruptStatus, InterruptACK, Status, the queue addresses in 32-bit halves,
 * SHMSel/SHMLen/SHMBase (no shared memory regions: a length of -1), QueueReset (0: RING_RESET is
 * not offered), ConfigGeneration; the device configuration from 0x100 at 1, 2 or 4 bytes, aligned.
 *
 * <p><b>Interrupts.</b> Used buffers set bit 0 of InterruptStatus, a configuration change bit 1;
 * the line is asserted (level, active high) while InterruptStatus is not zero and deasserted when
 * the driver acknowledges every bit with InterruptACK or resets the device.
 *
 * <p><b>Guest input.</b> A wrong width, an unaligned offset, a register that does not exist, a read
 * of a write-only register or a write of a read-only one is refused with an {@link IoStatus} (the
 * bus reads all-ones and drops the write); the core enforces the virtio rules and the device models
 * check the rings. vCPUs reach the device under its monitor (the bus takes it); device workers
 * signal interrupts from their own threads through {@code irqLock} only, so a reset that waits for
 * the workers cannot deadlock with them.
 */
public final class VirtioMmioDevice implements MmioDevice, VirtioInterrupt {
  /** QEMU's size of one virtio-mmio register block. */
  public static final long REGION_LENGTH = 0x200;

  /** "virt" in little-endian (§4.2.2). */
  public static final int MAGIC_VALUE = 0x7472_6976;

  /** The modern layout (§4.2.2); 1 is the legacy one (§4.2.4). */
  public static final int VERSION = 2;

  /** The vendor ID QEMU reports ("QEMU"); the driver does not interpret it. */
  public static final int VENDOR_ID = 0x554D_4551;

  /** InterruptStatus bits (§4.2.2). */
  public static final int INTERRUPT_USED_BUFFER = 1;

  public static final int INTERRUPT_CONFIG_CHANGE = 2;

  // Register offsets (§4.2.2).
  static final int MAGIC = 0x000;
  static final int VERSION_REG = 0x004;
  static final int DEVICE_ID = 0x008;
  static final int VENDOR_ID_REG = 0x00C;
  static final int DEVICE_FEATURES = 0x010;
  static final int DEVICE_FEATURES_SEL = 0x014;
  static final int DRIVER_FEATURES = 0x020;
  static final int DRIVER_FEATURES_SEL = 0x024;
  static final int QUEUE_SEL = 0x030;
  static final int QUEUE_NUM_MAX = 0x034;
  static final int QUEUE_NUM = 0x038;
  static final int QUEUE_READY = 0x044;
  static final int QUEUE_NOTIFY = 0x050;
  static final int INTERRUPT_STATUS = 0x060;
  static final int INTERRUPT_ACK = 0x064;
  static final int STATUS = 0x070;
  static final int QUEUE_DESC_LOW = 0x080;
  static final int QUEUE_DESC_HIGH = 0x084;
  static final int QUEUE_DRIVER_LOW = 0x090;
  static final int QUEUE_DRIVER_HIGH = 0x094;
  static final int QUEUE_DEVICE_LOW = 0x0A0;
  static final int QUEUE_DEVICE_HIGH = 0x0A4;
  static final int SHM_SEL = 0x0AC;
  static final int SHM_LEN_LOW = 0x0B0;
  static final int SHM_LEN_HIGH = 0x0B4;
  static final int SHM_BASE_LOW = 0x0B8;
  static final int SHM_BASE_HIGH = 0x0BC;
  static final int QUEUE_RESET = 0x0C0;
  static final int CONFIG_GENERATION = 0x0FC;
  static final int CONFIG = 0x100;

  /** What {@link #readMmio} computes for a write-only register. */
  private static final long WRITE_ONLY = Long.MIN_VALUE;

  private final IoRegion region;
  private final VirtioTransportCore core;
  private final InterruptLine line;

  // Transport registers (under the monitor).
  private int deviceFeaturesSel;
  private int driverFeaturesSel;
  private int queueSel;

  // Interrupt state (under irqLock).
  private final Object irqLock = new Object();
  private int interruptStatus;
  private boolean asserted;

  /**
   * A virtio-mmio device named {@code name} at {@code baseGpa} (aligned to {@link #REGION_LENGTH})
   * for {@code device}, whose queues live in {@code memory}; its interrupt drives {@code line}
   * (asserted = true).
   */
  public VirtioMmioDevice(
      String name, long baseGpa, VirtioDevice device, GuestMemory memory, InterruptLine line) {
    this(name, baseGpa, device, memory, line, VirtioTransportCore.RING_FEATURES);
  }

  /**
   * A device as above that offers {@code ringFeatures} of {@link
   * VirtioTransportCore#RING_FEATURES}.
   */
  public VirtioMmioDevice(
      String name,
      long baseGpa,
      VirtioDevice device,
      GuestMemory memory,
      InterruptLine line,
      long ringFeatures) {
    Objects.requireNonNull(name, "name");
    if (baseGpa <= 0 || baseGpa % REGION_LENGTH != 0) {
      throw new IllegalArgumentException("virtio-mmio base 0x" + Long.toHexString(baseGpa));
    }
    this.region = new IoRegion(name, baseGpa, REGION_LENGTH);
    this.line = Objects.requireNonNull(line, "line");
    this.core = new VirtioTransportCore(device, memory, this, ringFeatures);
    if (core.configSizeBytes() > REGION_LENGTH - CONFIG) {
      throw new IllegalArgumentException("device config of " + core.configSizeBytes() + " bytes");
    }
  }

  /** The register block. */
  public IoRegion region() {
    return region;
  }

  /** The transport state under this device (for tests and diagnostics). */
  public VirtioTransportCore core() {
    return core;
  }

  /** Whether the interrupt line is asserted now. */
  public boolean interruptAsserted() {
    synchronized (irqLock) {
      return asserted;
    }
  }

  /** Resets the device, as a driver writing 0 to Status does (when the VM ends). */
  public synchronized void reset() {
    resetTransport();
  }

  @Override
  public List<IoRegion> mmioRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readMmio(IoRegion r, long offset, IoData data) {
    if (offset >= CONFIG) {
      return readConfig(offset - CONFIG, data);
    }
    IoStatus status = checkRegister(offset, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int q = queueSel;
    long v =
        switch ((int) offset) {
          case MAGIC -> MAGIC_VALUE;
          case VERSION_REG -> VERSION;
          case DEVICE_ID -> core.device().deviceId();
          case VENDOR_ID_REG -> VENDOR_ID;
          case DEVICE_FEATURES -> core.deviceFeatureWord(deviceFeaturesSel);
          case QUEUE_NUM_MAX -> core.queueMaxSize(q); // 0: the queue is not available
          case QUEUE_READY -> core.queueEnabled(q) ? 1 : 0;
          case INTERRUPT_STATUS -> {
            synchronized (irqLock) {
              yield interruptStatus;
            }
          }
          case STATUS -> core.status();
          case SHM_LEN_LOW, SHM_LEN_HIGH -> 0xFFFF_FFFFL; // §4.2.2: no region, a length of -1
          case SHM_BASE_LOW, SHM_BASE_HIGH -> 0xFFFF_FFFFL;
          case QUEUE_RESET -> 0;
          case CONFIG_GENERATION -> core.configGeneration();
          default -> WRITE_ONLY;
        };
    if (v == WRITE_ONLY) {
      return IoStatus.INVALID_REGISTER;
    }
    data.setValue(v & 0xFFFF_FFFFL);
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writeMmio(IoRegion r, long offset, IoData data) {
    if (offset >= CONFIG) {
      return writeConfig(offset - CONFIG, data);
    }
    IoStatus status = checkRegister(offset, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int v = (int) data.value();
    int q = queueSel;
    switch ((int) offset) {
      case DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
      case DRIVER_FEATURES -> core.setDriverFeatureWord(driverFeaturesSel, v);
      case DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
      case QUEUE_SEL -> queueSel = v;
      case QUEUE_NUM -> core.setQueueSize(q, v);
      case QUEUE_READY -> {
        if (v == 1) {
          core.enableQueue(q); // a queue is only disabled by a reset here (no RING_RESET)
        }
      }
      // §4.2.2: without VIRTIO_F_NOTIFICATION_DATA the value is the queue's index.
      case QUEUE_NOTIFY -> core.notify(v & 0xFFFF);
      case INTERRUPT_ACK -> acknowledge(v);
      case STATUS -> {
        if (v == 0) {
          resetTransport();
        } else {
          core.setStatus(v);
        }
      }
      case QUEUE_DESC_LOW -> core.setQueueDescGpa(q, low(core.queueDescGpa(q), v));
      case QUEUE_DESC_HIGH -> core.setQueueDescGpa(q, high(core.queueDescGpa(q), v));
      case QUEUE_DRIVER_LOW -> core.setQueueDriverGpa(q, low(core.queueDriverGpa(q), v));
      case QUEUE_DRIVER_HIGH -> core.setQueueDriverGpa(q, high(core.queueDriverGpa(q), v));
      case QUEUE_DEVICE_LOW -> core.setQueueDeviceGpa(q, low(core.queueDeviceGpa(q), v));
      case QUEUE_DEVICE_HIGH -> core.setQueueDeviceGpa(q, high(core.queueDeviceGpa(q), v));
      case SHM_SEL -> {} // every region reads as absent, whichever is selected
      case QUEUE_RESET -> {} // RING_RESET is not offered: nothing to reset
      default -> {
        return IoStatus.INVALID_REGISTER; // read-only
      }
    }
    return IoStatus.OK;
  }

  private static long low(long old, int v) {
    return old & ~0xFFFF_FFFFL | Integer.toUnsignedLong(v);
  }

  private static long high(long old, int v) {
    return old & 0xFFFF_FFFFL | Integer.toUnsignedLong(v) << 32;
  }

  /** §4.2.2.2: the driver uses only 32-bit wide, aligned accesses for the control registers. */
  private static IoStatus checkRegister(long offset, AccessSize size) {
    if (!isRegister((int) offset)) {
      return offset % 4 == 0 ? IoStatus.INVALID_REGISTER : IoStatus.UNALIGNED_ACCESS;
    }
    return size == AccessSize.DWORD ? IoStatus.OK : IoStatus.INVALID_ACCESS_SIZE;
  }

  private static boolean isRegister(int offset) {
    return switch (offset) {
      case MAGIC,
          VERSION_REG,
          DEVICE_ID,
          VENDOR_ID_REG,
          DEVICE_FEATURES,
          DEVICE_FEATURES_SEL,
          DRIVER_FEATURES,
          DRIVER_FEATURES_SEL,
          QUEUE_SEL,
          QUEUE_NUM_MAX,
          QUEUE_NUM,
          QUEUE_READY,
          QUEUE_NOTIFY,
          INTERRUPT_STATUS,
          INTERRUPT_ACK,
          STATUS,
          QUEUE_DESC_LOW,
          QUEUE_DESC_HIGH,
          QUEUE_DRIVER_LOW,
          QUEUE_DRIVER_HIGH,
          QUEUE_DEVICE_LOW,
          QUEUE_DEVICE_HIGH,
          SHM_SEL,
          SHM_LEN_LOW,
          SHM_LEN_HIGH,
          SHM_BASE_LOW,
          SHM_BASE_HIGH,
          QUEUE_RESET,
          CONFIG_GENERATION ->
          true;
      default -> false;
    };
  }

  /** §4.2.2.2: device configuration fields at their own width (64-bit ones in 32-bit halves). */
  private IoStatus checkConfig(long at, AccessSize size) {
    if (size == AccessSize.QWORD) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (at + size.bytes() > core.configSizeBytes()) {
      return IoStatus.INVALID_REGISTER;
    }
    return at % size.bytes() == 0 ? IoStatus.OK : IoStatus.UNALIGNED_ACCESS;
  }

  private IoStatus readConfig(long at, IoData data) {
    IoStatus status = checkConfig(at, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    byte[] bytes = new byte[data.size().bytes()];
    core.readConfig((int) at, bytes);
    long v = 0;
    for (int i = bytes.length - 1; i >= 0; i--) {
      v = v << 8 | (bytes[i] & 0xFF);
    }
    data.setValue(v);
    return IoStatus.OK;
  }

  private IoStatus writeConfig(long at, IoData data) {
    IoStatus status = checkConfig(at, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    byte[] bytes = new byte[data.size().bytes()];
    long v = data.value();
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (v >>> (8 * i));
    }
    core.writeConfig((int) at, bytes);
    return IoStatus.OK;
  }

  /** Holds the monitor. §4.2.2.1: writing 0 to Status resets the device. */
  private void resetTransport() {
    core.setStatus(0);
    deviceFeaturesSel = 0;
    driverFeaturesSel = 0;
    queueSel = 0;
    synchronized (irqLock) {
      interruptStatus = 0;
      updateLine();
    }
  }

  private void acknowledge(int bits) {
    synchronized (irqLock) {
      interruptStatus &= ~bits;
      updateLine();
    }
  }

  // ---- VirtioInterrupt: any thread ----

  @Override
  public void signalUsedBuffers(int queue) {
    synchronized (irqLock) {
      interruptStatus |= INTERRUPT_USED_BUFFER;
      updateLine();
    }
  }

  @Override
  public void signalConfigChange() {
    synchronized (irqLock) {
      interruptStatus |= INTERRUPT_CONFIG_CHANGE;
      updateLine();
    }
  }

  /** Holds irqLock. The line follows InterruptStatus. */
  private void updateLine() {
    boolean level = interruptStatus != 0;
    if (level != asserted) {
      asserted = level;
      line.setLevel(level);
    }
  }

  @Override
  public String toString() {
    return region.name();
  }
}
