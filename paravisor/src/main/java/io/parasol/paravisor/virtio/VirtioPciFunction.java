package io.parasol.paravisor.virtio;

import io.parasol.isolation.Partition;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.io.LogRateLimiter;
import io.parasol.machine.io.MmioDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.irq.MsiTarget;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.paravisor.pci.MsixCapability;
import io.parasol.paravisor.pci.PciConfigSpace;
import io.parasol.paravisor.pci.PciDevice;
import io.parasol.virtio.device.DeviceStatus;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.device.VirtioInterrupt;
import io.parasol.virtio.device.VirtioTransportCore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtio-pci modern function (virtio v1.2 §4.1): vendor 0x1AF4, device 0x1040 + the virtio device
 * ID, revision 1, in front of a {@link VirtioTransportCore}.
 *
 * <p>One 64-bit memory BAR (BAR 0, 32 KiB) holds every structure, each in its own 4 KiB page:
 *
 * <table>
 *   <caption>BAR 0</caption>
 *   <tr><th>offset</th><th>what</th><th>capability</th></tr>
 *   <tr><td>0x0000</td><td>common configuration (§4.1.4.3), 0x38 bytes</td><td>cfg_type 1</td></tr>
 *   <tr><td>0x1000</td><td>ISR status (§4.1.4.5), 1 byte, read to clear</td><td>cfg_type 3</td></tr>
 *   <tr><td>0x2000</td><td>device configuration (§4.1.4.6)</td><td>cfg_type 4</td></tr>
 *   <tr><td>0x3000</td><td>notifications (§4.1.4.4): queue q at 4·q</td><td>cfg_type 2</td></tr>
 *   <tr><td>0x4000</td><td>MSI-X table, one vector per queue plus one</td><td>MSI-X</td></tr>
 *   <tr><td>0x6000</td><td>MSI-X PBA</td><td>MSI-X</td></tr>
 * </table>
 *
 * <p>A PCI configuration access capability (cfg_type 5, §4.1.4.7) reaches the same BAR through
 * configuration space.
 *
 * <p><b>BARs.</b> The VM builder places BAR 0 ({@link #placeBar}) as firmware would; the guest may
 * move it. Whenever BAR 0 or Command.Memory Space changes, the function leaves the {@link
 * ChipsetBus} and, if decoding is on and the address is usable, joins it again at the new place. An
 * address that overlaps another device or wraps leaves the BAR unmapped (and logged).
 *
 * <p><b>Interrupts.</b> With MSI-X enabled, used buffers of queue q send {@code queue_msix_vector}
 * and configuration changes {@code config_msix_vector} (NO_VECTOR sends nothing). With MSI-X off,
 * the ISR bits are set and INTA# is asserted until the driver reads the ISR, unless
 * Command.Interrupt Disable is set. {@link #intxLine} is the asserted/deasserted level; the VM
 * inverts it onto an active-low IOAPIC pin.
 *
 * <p><b>Event channels.</b> Given a {@link Partition} that has them (KVM), the function serves
 * queue notifications through ioeventfds and MSI-X messages through irqfds. Once the driver sets
 * DRIVER_OK, each enabled queue's notification address ({@code BAR + 0x3000 + 4·q}) gets an eventfd
 * and a kick thread ({@link QueueKicks}) that hands the notification to the device, so the vCPU
 * never leaves the kernel for it; they follow the BAR when the guest moves it, and go on reset or
 * when Memory Space decoding is turned off. Each MSI-X vector is sent through an irqfd routed to
 * its table entry's message ({@link MsixCapability#useIrqfds}). INTx is unchanged (the IOAPIC
 * model). Without eventfds (a heap partition) notifications are MMIO exits handled on the vCPU
 * thread and MSIs go through the partition's {@link MsiTarget}, as before.
 *
 * <p><b>Guest input.</b> Every register checks the access width and offset; a bad access is refused
 * with an {@link IoStatus} (the bus then reads all-ones and drops writes). Vectors past the table
 * read back as NO_VECTOR (§4.1.4.3.2); queue registers of a queue that does not exist read 0 and
 * ignore writes. The core enforces the virtio rules; the device models check the rings.
 *
 * <p><b>Threads and locks.</b> vCPUs reach the function under its monitor (the bus and {@link
 * io.parasol.paravisor.pci.PciRoot} both take it). Device workers signal interrupts from their own
 * threads: that path takes only {@code irqLock} (then the MSI-X capability's lock), never the
 * monitor, so a driver reset that waits for the workers cannot deadlock with them. {@link
 * #mmioRegions} reads a volatile field and takes no lock, as the bus calls it while registering.
 */
public final class VirtioPciFunction implements PciDevice, MmioDevice, VirtioInterrupt {
  private static final Logger LOG = LoggerFactory.getLogger(VirtioPciFunction.class);
  private static final LogRateLimiter LOG_LIMIT = new LogRateLimiter(10, 1_000_000_000L);

  /** Red Hat's vendor ID, which virtio uses (§4.1.2). */
  public static final int VENDOR_ID = 0x1AF4;

  /** Device IDs of modern devices: 0x1040 + the virtio device ID (§4.1.2). */
  public static final int DEVICE_ID_BASE = 0x1040;

  /** §4.1.2.1: non-transitional devices SHOULD have a revision of 1 or more. */
  public static final int REVISION_ID = 1;

  /** The subsystem QEMU gives its virtio functions (§4.1.2: "MAY reflect ... the environment"). */
  public static final int SUBSYSTEM_VENDOR_ID = 0x1AF4;

  public static final int SUBSYSTEM_ID = 0x1100;

  /** §4.1.4.3: "no vector". */
  public static final int NO_VECTOR = 0xFFFF;

  /** The BAR every structure lives in. */
  public static final int BAR = 0;

  public static final long BAR_SIZE = 0x8000;
  public static final int COMMON_OFFSET = 0x0000;
  public static final int ISR_OFFSET = 0x1000;
  public static final int DEVICE_OFFSET = 0x2000;
  public static final int NOTIFY_OFFSET = 0x3000;
  public static final int MSIX_TABLE_OFFSET = 0x4000;
  public static final int MSIX_PBA_OFFSET = 0x6000;
  private static final int PAGE = 0x1000;

  /** Bytes between the notification addresses of consecutive queues. */
  public static final int NOTIFY_OFF_MULTIPLIER = 4;

  /** Bytes of the common configuration structure (up to queue_device, §4.1.4.3). */
  public static final int COMMON_LENGTH = 0x38;

  /** The vendor-specific capability ID that virtio structures use (§4.1.4). */
  public static final int VENDOR_CAPABILITY = 0x09;

  /** virtio structure types (§4.1.4). */
  public static final int CFG_COMMON = 1;

  public static final int CFG_NOTIFY = 2;
  public static final int CFG_ISR = 3;
  public static final int CFG_DEVICE = 4;
  public static final int CFG_PCI = 5;

  /** Common configuration fields (§4.1.4.3). */
  static final int DEVICE_FEATURE_SELECT = 0x00;

  static final int DEVICE_FEATURE = 0x04;
  static final int DRIVER_FEATURE_SELECT = 0x08;
  static final int DRIVER_FEATURE = 0x0C;
  static final int CONFIG_MSIX_VECTOR = 0x10;
  static final int NUM_QUEUES = 0x12;
  static final int DEVICE_STATUS = 0x14;
  static final int CONFIG_GENERATION = 0x15;
  static final int QUEUE_SELECT = 0x16;
  static final int QUEUE_SIZE = 0x18;
  static final int QUEUE_MSIX_VECTOR = 0x1A;
  static final int QUEUE_ENABLE = 0x1C;
  static final int QUEUE_NOTIFY_OFF = 0x1E;
  static final int QUEUE_DESC = 0x20;
  static final int QUEUE_DRIVER = 0x28;
  static final int QUEUE_DEVICE = 0x30;

  /** Status: Interrupt Status (INTx asserted), PCI 3.0 §6.2.3. */
  private static final int STATUS_INTERRUPT = 0x0008;

  /** Command: Interrupt Disable. */
  private static final int COMMAND_INTERRUPT_DISABLE = 0x0400;

  private final String name;
  private final VirtioTransportCore core;
  private final PciConfigSpace config;
  private final MsixCapability msix;
  private final ChipsetBus bus;
  private final InterruptLine intxLine;
  private final int pciCfgCap;
  private final int notifyLength;

  // Transport registers (under the monitor).
  private int deviceFeatureSelect;
  private int driverFeatureSelect;
  private int queueSelect;

  // Interrupt state (under irqLock).
  private final Object irqLock = new Object();
  private int configVector = NO_VECTOR;
  private final int[] queueVectors;
  private int isr;
  private boolean intxDisabled;
  private volatile boolean intxAsserted;

  // The BAR as mapped on the bus: null while unmapped.
  private volatile IoRegion mapped;

  // Queue notifications through ioeventfds (under the monitor), or null.
  private final QueueKicks kicks;

  /**
   * A function for {@code device} whose queues live in {@code memory}; MSI-X messages go to {@code
   * msi}, INTA# to {@code intxLine} (asserted = true), and BAR 0 joins {@code bus} once placed.
   */
  public VirtioPciFunction(
      String name,
      VirtioDevice device,
      GuestMemory memory,
      MsiTarget msi,
      InterruptLine intxLine,
      ChipsetBus bus) {
    this(name, device, memory, msi, intxLine, bus, null, VirtioTransportCore.RING_FEATURES);
  }

  /**
   * A function as above that serves notifications through {@code eventChannels}' ioeventfds and
   * MSI-X messages through its irqfds when it has them ({@code null}: never), and offers {@code
   * ringFeatures} of {@link VirtioTransportCore#RING_FEATURES} (for instance {@link
   * VirtioTransportCore#SPLIT_RING_FEATURES}).
   */
  public VirtioPciFunction(
      String name,
      VirtioDevice device,
      GuestMemory memory,
      MsiTarget msi,
      InterruptLine intxLine,
      ChipsetBus bus,
      Partition eventChannels,
      long ringFeatures) {
    this.name = Objects.requireNonNull(name, "name");
    this.bus = Objects.requireNonNull(bus, "bus");
    this.intxLine = Objects.requireNonNull(intxLine, "intxLine");
    this.core = new VirtioTransportCore(device, memory, this, ringFeatures);
    int queues = core.queueCount();
    if (queues > (MSIX_TABLE_OFFSET - NOTIFY_OFFSET) / NOTIFY_OFF_MULTIPLIER) {
      throw new IllegalArgumentException(device.deviceId() + ": too many queues: " + queues);
    }
    if (core.configSizeBytes() > PAGE) {
      throw new IllegalArgumentException("device config of " + core.configSizeBytes() + " bytes");
    }
    queueVectors = new int[queues];
    Arrays.fill(queueVectors, NO_VECTOR);
    config =
        new PciConfigSpace(
            VENDOR_ID,
            DEVICE_ID_BASE + device.deviceId(),
            classCode(device.deviceId()),
            REVISION_ID,
            PciConfigSpace.CONVENTIONAL_SIZE);
    config.setSubsystem(SUBSYSTEM_VENDOR_ID, SUBSYSTEM_ID);
    config.setInterruptPin(1);
    config.setMemoryBar(BAR, BAR_SIZE, true, false);
    notifyLength = Math.max(queues, 1) * NOTIFY_OFF_MULTIPLIER;
    addVirtioCapability(CFG_COMMON, COMMON_OFFSET, COMMON_LENGTH, 16);
    int notify = addVirtioCapability(CFG_NOTIFY, NOTIFY_OFFSET, notifyLength, 20);
    config.setDword(notify + 16, NOTIFY_OFF_MULTIPLIER);
    addVirtioCapability(CFG_ISR, ISR_OFFSET, 1, 16);
    if (core.configSizeBytes() > 0) {
      addVirtioCapability(CFG_DEVICE, DEVICE_OFFSET, core.configSizeBytes(), 16);
    }
    pciCfgCap = addVirtioCapability(CFG_PCI, 0, 0, 20);
    // §4.1.4.7: the driver picks bar, offset and length, then accesses pci_cfg_data.
    config.setWriteMask(pciCfgCap + 4, 1, 0xFF);
    config.setWriteMask(pciCfgCap + 8, 4, 0xFFFF_FFFFL);
    config.setWriteMask(pciCfgCap + 12, 4, 0xFFFF_FFFFL);
    msix = MsixCapability.add(config, queues + 1, BAR, MSIX_TABLE_OFFSET, MSIX_PBA_OFFSET, msi);
    if (eventChannels != null) {
      msix.useIrqfds(eventChannels::irqNotifier);
      kicks = new QueueKicks(name, eventChannels, core::notifyOnIoThread, core::notify);
    } else {
      kicks = null;
    }
  }

  private int addVirtioCapability(int cfgType, int offset, int length, int capLength) {
    int at = config.addCapability(VENDOR_CAPABILITY, capLength);
    config.setByte(at + 2, capLength);
    config.setByte(at + 3, cfgType);
    config.setByte(at + 4, BAR);
    config.setDword(at + 8, offset);
    config.setDword(at + 12, length);
    return at;
  }

  /** The PCI class code for a virtio device type, as QEMU gives them. */
  static int classCode(int virtioDeviceId) {
    return switch (virtioDeviceId) {
      case 1 -> 0x020000; // network, Ethernet
      case 2 -> 0x010000; // mass storage, SCSI
      case 3 -> 0x078000; // communication, other
      default -> 0xFF0000; // unassigned class
    };
  }

  /** The transport state under this function (for tests and diagnostics). */
  public VirtioTransportCore core() {
    return core;
  }

  /** The MSI-X capability (for tests and diagnostics). */
  public MsixCapability msix() {
    return msix;
  }

  /** Whether INTA# is asserted now. */
  public boolean intxAsserted() {
    return intxAsserted;
  }

  /**
   * Host side, while wiring: places BAR 0 at {@code gpa}, turns Memory Space decoding on
   * (firmware's job on a real PC) and maps the BAR.
   */
  public synchronized void placeBar(long gpa) {
    if (gpa <= 0 || gpa % BAR_SIZE != 0) {
      throw new IllegalArgumentException("BAR address 0x" + Long.toHexString(gpa));
    }
    int offset = PciConfigSpace.BAR0 + 4 * BAR;
    config.setDword(offset, (int) gpa | 0b100);
    config.setDword(offset + 4, (int) (gpa >>> 32));
    config.setWord(PciConfigSpace.COMMAND, config.wordAt(PciConfigSpace.COMMAND) | 0x2);
    updateMapping();
  }

  /** Host side: the Interrupt Line value firmware reports (the ISA IRQ INTA# is wired to). */
  public synchronized void setInterruptLine(int irq) {
    config.setByte(PciConfigSpace.INTERRUPT_LINE, irq);
  }

  /** Where the queue notification eventfds are registered now, or -1 (none). */
  public synchronized long notifyEventFdAddress() {
    return kicks == null ? -1 : kicks.armedBase();
  }

  /** Where BAR 0 is mapped now, or null. */
  public IoRegion mappedBar() {
    return mapped;
  }

  /** Resets the device, as a driver writing 0 to device_status does (when the VM ends). */
  public synchronized void reset() {
    resetTransport();
  }

  // ---- PCI configuration space ----

  @Override
  public int readConfig(int register) {
    if (register == pciCfgCap + 16) {
      return pciCfgAccess(false, 0, 0xF);
    }
    int value = config.readConfig(register);
    if (register == PciConfigSpace.COMMAND && intxAsserted) {
      value |= STATUS_INTERRUPT << 16;
    }
    return value;
  }

  @Override
  public void writeConfig(int register, int value, int byteMask) {
    if (register == pciCfgCap + 16) {
      pciCfgAccess(true, value, byteMask);
      return;
    }
    config.writeConfig(register, value, byteMask);
    if (register == PciConfigSpace.COMMAND
        || register == PciConfigSpace.BAR0 + 4 * BAR
        || register == PciConfigSpace.BAR0 + 4 * BAR + 4) {
      updateMapping();
    }
    if (register == PciConfigSpace.COMMAND) {
      synchronized (irqLock) {
        intxDisabled = (config.wordAt(PciConfigSpace.COMMAND) & COMMAND_INTERRUPT_DISABLE) != 0;
        updateIntx();
      }
    }
    if (register == msix.capabilityOffset()) {
      synchronized (irqLock) {
        msix.controlWritten(config);
        updateIntx();
      }
    }
  }

  /**
   * §4.1.4.7.1: an access of {@code cap.length} (1, 2 or 4) bytes at {@code cap.offset} (aligned to
   * the length) of {@code cap.bar}, through pci_cfg_data. Anything else reads 0 and writes nothing.
   */
  private int pciCfgAccess(boolean write, int value, int byteMask) {
    int bar = config.byteAt(pciCfgCap + 4);
    long offset = Integer.toUnsignedLong(config.dwordAt(pciCfgCap + 8));
    int length = config.dwordAt(pciCfgCap + 12);
    if (bar != BAR
        || !AccessSize.isValid(length)
        || length == 8
        || offset % length != 0
        || offset + length > BAR_SIZE) {
      return 0;
    }
    IoValue io = new IoValue(AccessSize.ofBytes(length), 0);
    if (write) {
      int laneMask = (1 << length) - 1;
      if ((byteMask & laneMask) != laneMask) {
        return 0; // a partial write of the window is not a well-defined BAR access
      }
      io.setValue(Integer.toUnsignedLong(value) & io.size().mask());
      barWrite(offset, io);
      return 0;
    }
    return barRead(offset, io) == IoStatus.OK ? (int) io.value() : 0;
  }

  /** Holds the monitor. Maps BAR 0 where the guest put it, or unmaps it. */
  private void updateMapping() {
    long base = config.barAddress(BAR);
    IoRegion want = null;
    if (config.memorySpaceEnabled() && base != 0 && base + BAR_SIZE > base && base >>> 52 == 0) {
      want = new IoRegion(name, base, BAR_SIZE);
    }
    IoRegion have = mapped;
    if (Objects.equals(have, want)) {
      return;
    }
    if (have != null) {
      bus.unregister(this);
      mapped = null;
    }
    if (want != null) {
      mapped = want;
      try {
        bus.register(this);
      } catch (IllegalArgumentException e) {
        mapped = null;
        if (LOG_LIMIT.tryAcquire()) {
          LOG.warn(
              "{}: BAR 0 at 0x{} is not mapped: {}", name, Long.toHexString(base), e.getMessage());
        }
      }
    }
    updateKicks();
  }

  /**
   * Holds the monitor. Notification eventfds exist while the BAR is mapped and the device runs
   * (DRIVER_OK), one per enabled queue, at the BAR's current place.
   */
  private void updateKicks() {
    if (kicks == null) {
      return;
    }
    IoRegion at = mapped;
    List<Integer> queues = new ArrayList<>();
    if (at != null && (core.status() & DeviceStatus.DRIVER_OK) != 0) {
      for (int q = 0; q < core.queueCount(); q++) {
        if (core.queueEnabled(q)) {
          queues.add(q);
        }
      }
    }
    kicks.arm(queues.isEmpty() ? -1 : at.base() + NOTIFY_OFFSET, NOTIFY_OFF_MULTIPLIER, queues);
  }

  // ---- BAR 0 ----

  @Override
  public List<IoRegion> mmioRegions() {
    IoRegion r = mapped;
    return r == null ? List.of() : List.of(r);
  }

  @Override
  public IoStatus readMmio(IoRegion region, long offset, IoData data) {
    if (region != mapped) {
      return IoStatus.INVALID_REGISTER; // a lookup that raced with a BAR move
    }
    return barRead(offset, data);
  }

  @Override
  public IoStatus writeMmio(IoRegion region, long offset, IoData data) {
    if (region != mapped) {
      return IoStatus.INVALID_REGISTER;
    }
    return barWrite(offset, data);
  }

  private IoStatus barRead(long offset, IoData data) {
    if (offset >= COMMON_OFFSET && offset < COMMON_OFFSET + COMMON_LENGTH) {
      return readCommon((int) (offset - COMMON_OFFSET), data);
    }
    if (offset == ISR_OFFSET) {
      if (data.size() != AccessSize.BYTE) {
        return IoStatus.INVALID_ACCESS_SIZE;
      }
      data.setValue(readAndClearIsr());
      return IoStatus.OK;
    }
    if (offset >= DEVICE_OFFSET && offset < DEVICE_OFFSET + PAGE) {
      int at = (int) (offset - DEVICE_OFFSET);
      IoStatus status = checkDeviceConfig(at, data.size());
      if (status != IoStatus.OK) {
        return status;
      }
      byte[] bytes = new byte[data.size().bytes()];
      core.readConfig(at, bytes);
      long v = 0;
      for (int i = bytes.length - 1; i >= 0; i--) {
        v = v << 8 | (bytes[i] & 0xFF);
      }
      data.setValue(v);
      return IoStatus.OK;
    }
    if (offset >= NOTIFY_OFFSET && offset < NOTIFY_OFFSET + notifyLength) {
      data.setValue(0); // §4.1.4.4: the notification area is written, not read
      return IoStatus.OK;
    }
    if (offset >= MSIX_TABLE_OFFSET && offset < MSIX_TABLE_OFFSET + msix.tableBytes()) {
      return msix.readTable(offset - MSIX_TABLE_OFFSET, data);
    }
    if (offset >= MSIX_PBA_OFFSET && offset < MSIX_PBA_OFFSET + msix.pbaBytes()) {
      return msix.readPba(offset - MSIX_PBA_OFFSET, data);
    }
    return IoStatus.INVALID_REGISTER;
  }

  private IoStatus barWrite(long offset, IoData data) {
    if (offset >= COMMON_OFFSET && offset < COMMON_OFFSET + COMMON_LENGTH) {
      return writeCommon((int) (offset - COMMON_OFFSET), data);
    }
    if (offset >= DEVICE_OFFSET && offset < DEVICE_OFFSET + PAGE) {
      int at = (int) (offset - DEVICE_OFFSET);
      IoStatus status = checkDeviceConfig(at, data.size());
      if (status != IoStatus.OK) {
        return status;
      }
      byte[] bytes = new byte[data.size().bytes()];
      long v = data.value();
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (v >>> (8 * i));
      }
      core.writeConfig(at, bytes);
      return IoStatus.OK;
    }
    if (offset >= NOTIFY_OFFSET && offset < NOTIFY_OFFSET + notifyLength) {
      if (data.size() != AccessSize.WORD && data.size() != AccessSize.DWORD) {
        return IoStatus.INVALID_ACCESS_SIZE;
      }
      int rel = (int) (offset - NOTIFY_OFFSET);
      if (rel % NOTIFY_OFF_MULTIPLIER != 0) {
        return IoStatus.UNALIGNED_ACCESS;
      }
      // §4.1.4.4: the address names the queue (queue_notify_off = index); without
      // VIRTIO_F_NOTIFICATION_DATA the value written is the same index.
      core.notify(rel / NOTIFY_OFF_MULTIPLIER);
      return IoStatus.OK;
    }
    if (offset >= MSIX_TABLE_OFFSET && offset < MSIX_TABLE_OFFSET + msix.tableBytes()) {
      synchronized (irqLock) {
        return msix.writeTable(offset - MSIX_TABLE_OFFSET, data);
      }
    }
    if (offset >= MSIX_PBA_OFFSET && offset < MSIX_PBA_OFFSET + msix.pbaBytes()) {
      return IoStatus.OK; // PCIe §7.7.2.5: the PBA is read-only; writes are ignored
    }
    return IoStatus.INVALID_REGISTER;
  }

  private IoStatus checkDeviceConfig(int at, AccessSize size) {
    if (size == AccessSize.QWORD) {
      return IoStatus.INVALID_ACCESS_SIZE; // §4.1.3.1: fields are accessed at most 32 bits wide
    }
    if (at + size.bytes() > core.configSizeBytes()) {
      return IoStatus.INVALID_REGISTER;
    }
    return at % size.bytes() == 0 ? IoStatus.OK : IoStatus.UNALIGNED_ACCESS;
  }

  /** The width of the common-configuration field at {@code at}, or 0 if none starts there. */
  private static int fieldWidth(int at) {
    return switch (at) {
      case DEVICE_FEATURE_SELECT, DEVICE_FEATURE, DRIVER_FEATURE_SELECT, DRIVER_FEATURE -> 4;
      case CONFIG_MSIX_VECTOR,
          NUM_QUEUES,
          QUEUE_SELECT,
          QUEUE_SIZE,
          QUEUE_MSIX_VECTOR,
          QUEUE_ENABLE,
          QUEUE_NOTIFY_OFF ->
          2;
      case DEVICE_STATUS, CONFIG_GENERATION -> 1;
      case QUEUE_DESC, QUEUE_DRIVER, QUEUE_DEVICE -> 8;
      default -> 0;
    };
  }

  /**
   * Checks a common-configuration access: the field's own width at its start, or (§4.1.3.1) a
   * 32-bit half of a 64-bit field.
   */
  private static IoStatus checkCommon(int at, AccessSize size) {
    int width = fieldWidth(at);
    if (width == 0 && at >= QUEUE_DESC && (at & 7) == 4) {
      return size == AccessSize.DWORD ? IoStatus.OK : IoStatus.INVALID_ACCESS_SIZE;
    }
    if (width == 0) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    if (size.bytes() == width || (width == 8 && size == AccessSize.DWORD)) {
      return IoStatus.OK;
    }
    return IoStatus.INVALID_ACCESS_SIZE;
  }

  private IoStatus readCommon(int at, IoData data) {
    IoStatus status = checkCommon(at, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int q = queueSelect;
    long v =
        switch (at & ~7) {
          case QUEUE_DESC -> core.queueDescGpa(q);
          case QUEUE_DRIVER -> core.queueDriverGpa(q);
          case QUEUE_DEVICE -> core.queueDeviceGpa(q);
          default -> readSmallField(at, q);
        };
    if (at >= QUEUE_DESC) {
      v = (at & 4) != 0 ? v >>> 32 : v & data.size().mask();
    }
    data.setValue(v & data.size().mask());
    return IoStatus.OK;
  }

  private long readSmallField(int at, int q) {
    return switch (at) {
      case DEVICE_FEATURE_SELECT -> Integer.toUnsignedLong(deviceFeatureSelect);
      case DEVICE_FEATURE -> Integer.toUnsignedLong(core.deviceFeatureWord(deviceFeatureSelect));
      case DRIVER_FEATURE_SELECT -> Integer.toUnsignedLong(driverFeatureSelect);
      case DRIVER_FEATURE -> Integer.toUnsignedLong(core.driverFeatureWord(driverFeatureSelect));
      case CONFIG_MSIX_VECTOR -> {
        synchronized (irqLock) {
          yield configVector;
        }
      }
      case NUM_QUEUES -> core.queueCount();
      case DEVICE_STATUS -> core.status();
      case CONFIG_GENERATION -> core.configGeneration() & 0xFF;
      case QUEUE_SELECT -> q;
      case QUEUE_SIZE -> core.queueSize(q);
      case QUEUE_MSIX_VECTOR -> {
        synchronized (irqLock) {
          yield validQueue(q) ? queueVectors[q] : NO_VECTOR;
        }
      }
      case QUEUE_ENABLE -> core.queueEnabled(q) ? 1 : 0;
      case QUEUE_NOTIFY_OFF -> validQueue(q) ? q : 0;
      default -> 0;
    };
  }

  private IoStatus writeCommon(int at, IoData data) {
    IoStatus status = checkCommon(at, data.size());
    if (status != IoStatus.OK) {
      return status;
    }
    long v = data.value() & data.size().mask();
    int q = queueSelect;
    if (at >= QUEUE_DESC) {
      int field = at & ~7;
      long old =
          switch (field) {
            case QUEUE_DESC -> core.queueDescGpa(q);
            case QUEUE_DRIVER -> core.queueDriverGpa(q);
            default -> core.queueDeviceGpa(q);
          };
      long next;
      if (data.size() == AccessSize.QWORD) {
        next = v;
      } else if ((at & 4) == 0) {
        next = old & ~0xFFFF_FFFFL | v;
      } else {
        next = old & 0xFFFF_FFFFL | v << 32;
      }
      switch (field) {
        case QUEUE_DESC -> core.setQueueDescGpa(q, next);
        case QUEUE_DRIVER -> core.setQueueDriverGpa(q, next);
        default -> core.setQueueDeviceGpa(q, next);
      }
      return IoStatus.OK;
    }
    switch (at) {
      case DEVICE_FEATURE_SELECT -> deviceFeatureSelect = (int) v;
      case DRIVER_FEATURE_SELECT -> driverFeatureSelect = (int) v;
      case DRIVER_FEATURE -> core.setDriverFeatureWord(driverFeatureSelect, (int) v);
      case CONFIG_MSIX_VECTOR -> {
        synchronized (irqLock) {
          configVector = checkedVector((int) v);
        }
      }
      case DEVICE_STATUS -> {
        if (v == 0) {
          resetTransport();
        } else {
          core.setStatus((int) v);
          updateKicks();
        }
      }
      case QUEUE_SELECT -> queueSelect = (int) v;
      case QUEUE_SIZE -> core.setQueueSize(q, (int) v);
      case QUEUE_MSIX_VECTOR -> {
        synchronized (irqLock) {
          if (validQueue(q)) {
            queueVectors[q] = checkedVector((int) v);
          }
        }
      }
      case QUEUE_ENABLE -> {
        if (v == 1) {
          core.enableQueue(q);
        }
      }
      default -> {} // read-only: device_feature, num_queues, config_generation, queue_notify_off
    }
    return IoStatus.OK;
  }

  private int checkedVector(int vector) {
    // §4.1.4.3.2: a vector the device cannot map reads back as NO_VECTOR.
    return vector >= 0 && vector < msix.vectors() ? vector : NO_VECTOR;
  }

  private boolean validQueue(int q) {
    return q >= 0 && q < queueVectors.length;
  }

  /** Holds the monitor. §4.1.4.3.1: writing 0 to device_status resets the device. */
  private void resetTransport() {
    if (kicks != null) {
      kicks.disarm(false); // before the core forgets the queues: no kick thread is left running
    }
    core.setStatus(0);
    deviceFeatureSelect = 0;
    driverFeatureSelect = 0;
    queueSelect = 0;
    synchronized (irqLock) {
      configVector = NO_VECTOR;
      Arrays.fill(queueVectors, NO_VECTOR);
      isr = 0;
      updateIntx();
    }
    msix.releaseIrqfds();
  }

  private int readAndClearIsr() {
    synchronized (irqLock) {
      int value = isr;
      isr = 0; // §4.1.4.5: reading the ISR clears it and deasserts INTx
      updateIntx();
      return value;
    }
  }

  // ---- VirtioInterrupt: any thread ----

  @Override
  public void signalUsedBuffers(int queue) {
    synchronized (irqLock) {
      if (!validQueue(queue)) {
        return;
      }
      if (!msix.signal(queueVectors[queue])) {
        isr |= 1;
        updateIntx();
      }
    }
  }

  @Override
  public void signalConfigChange() {
    synchronized (irqLock) {
      if (!msix.signal(configVector)) {
        isr |= 2;
        updateIntx();
      }
    }
  }

  /** Holds irqLock. INTA# follows the ISR while MSI-X is off and INTx is not disabled. */
  private void updateIntx() {
    boolean level = isr != 0 && !intxDisabled && !msix.enabled();
    if (level != intxAsserted) {
      intxAsserted = level;
      intxLine.setLevel(level);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
