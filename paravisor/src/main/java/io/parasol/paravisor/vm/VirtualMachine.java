package io.parasol.paravisor.vm;

import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.IsolationType;
import io.parasol.isolation.Partition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.attestation.HardwareReportSource;
import io.parasol.isolation.attestation.HardwareReportSources;
import io.parasol.isolation.attestation.NoHardwareSource;
import io.parasol.isolation.kvm.Kvm;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.MmioDevice;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.machine.time.SystemTimeSource;
import io.parasol.machine.time.TimeSource;
import io.parasol.paravisor.acpi.AcpiTables;
import io.parasol.paravisor.acpi.Dsdt;
import io.parasol.paravisor.attest.GuestAttestation;
import io.parasol.paravisor.boot.BootException;
import io.parasol.paravisor.boot.BootImage;
import io.parasol.paravisor.boot.BootMeasurement;
import io.parasol.paravisor.chipset.uart.SerialBackend;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.pci.PciMemoryWindow;
import io.parasol.paravisor.tpm.MeasuredBoot;
import io.parasol.paravisor.tpm.TpmCrb;
import io.parasol.paravisor.virtio.VirtioMmioDevice;
import io.parasol.paravisor.virtio.VirtioPciFunction;
import io.parasol.paravisor.virtio.VirtioTransport;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmPlatform;
import io.parasol.tpm.client.TpmCommandException;
import io.parasol.tpm.eventlog.TcgEventLog;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.device.VirtioTransportCore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VM: a partition, the PC chipset on a bus, and one platform thread per vCPU. Made by {@link
 * Builder}; {@link #start()} runs it, {@link #await} waits for its {@link VmResult}, {@link
 * #close()} releases everything.
 */
public final class VirtualMachine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualMachine.class);

  /** This build's version, as a measured boot records it in PCR 0. */
  public static final String PARASOL_VERSION =
      java.util.Objects.requireNonNullElse(
          VirtualMachine.class.getPackage().getImplementationVersion(), "development");

  private final Partition partition;
  private final ChipsetBus bus;
  private final PcChipset chipset;
  private final VmLifecycle lifecycle;
  private final SystemTimeSource ownedTime;
  private final TpmCrb tpmCrb;
  private final List<VirtioPciFunction> virtioFunctions;
  private final List<VirtioMmioDevice> virtioMmioDevices;
  private final List<Thread> vcpuThreads = new ArrayList<>();
  private boolean started;
  private boolean closed;

  private VirtualMachine(
      Partition partition,
      ChipsetBus bus,
      PcChipset chipset,
      VmLifecycle lifecycle,
      SystemTimeSource ownedTime,
      TpmCrb tpmCrb,
      List<VirtioPciFunction> virtioFunctions,
      List<VirtioMmioDevice> virtioMmioDevices) {
    this.partition = partition;
    this.virtioFunctions = List.copyOf(virtioFunctions);
    this.virtioMmioDevices = List.copyOf(virtioMmioDevices);
    this.bus = bus;
    this.chipset = chipset;
    this.lifecycle = lifecycle;
    this.ownedTime = ownedTime;
    this.tpmCrb = tpmCrb;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts every vCPU on its own platform thread. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("the VM has already been started");
    }
    started = true;
    for (int i = 0; i < partition.config().vpCount(); i++) {
      var vp = partition.vp(i);
      lifecycle.onEnd(vp::requestStop);
      VcpuExits exits = new VcpuExits(bus, chipset.eoiListener());
      VcpuThread body = new VcpuThread(vp, exits, lifecycle);
      int index = i;
      Thread thread =
          Thread.ofPlatform()
              .name("vcpu-" + i)
              .unstarted(
                  () -> {
                    try {
                      body.run();
                    } finally {
                      // Only when asked for: the profile sorts 64K counters through a stream,
                      // milliseconds at every VM's end where the CPU is slow.
                      if (LOG.isDebugEnabled()) {
                        LOG.debug("vCPU {}: {}", index, exits.profile(8));
                      }
                    }
                  });
      vcpuThreads.add(thread);
      thread.start();
    }
  }

  /** Runs the VM to its end and returns how it ended. */
  public VmResult run() throws InterruptedException {
    start();
    VmResult result = lifecycle.await();
    joinVcpus();
    return result;
  }

  /** Waits up to {@code timeout} for the run to end. */
  public Optional<VmResult> await(Duration timeout) throws InterruptedException {
    return lifecycle.await(timeout);
  }

  /**
   * Ends the run as {@link VmOutcome#STOPPED} (unless it already ended) and waits for the vCPUs.
   */
  public VmResult stop(String source) throws InterruptedException {
    lifecycle.stop(source);
    joinVcpus();
    return lifecycle.result().orElseThrow();
  }

  /** The policy object devices and vCPUs report to. */
  public VmLifecycle lifecycle() {
    return lifecycle;
  }

  /** The bus every exit is dispatched through (for statistics and tests). */
  public ChipsetBus bus() {
    return bus;
  }

  /** The devices of this VM. */
  public PcChipset chipset() {
    return chipset;
  }

  public Partition partition() {
    return partition;
  }

  /** The vTPM's CRB front end, if the VM has a TPM. */
  public Optional<TpmCrb> tpmCrb() {
    return Optional.ofNullable(tpmCrb);
  }

  /** The virtio-pci functions, in the order {@link Builder#virtio} added them. */
  public List<VirtioPciFunction> virtioFunctions() {
    return virtioFunctions;
  }

  /** The virtio-mmio devices (with {@link VirtioTransport#MMIO}), in the order added. */
  public List<VirtioMmioDevice> virtioMmioDevices() {
    return virtioMmioDevices;
  }

  private void joinVcpus() throws InterruptedException {
    for (Thread t : vcpuThreads) {
      t.join();
    }
  }

  /** Stops the VM if it runs, then releases the partition, devices and timers. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    lifecycle.stop("close");
    try {
      joinVcpus();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (VirtioPciFunction f : virtioFunctions) {
      f.reset(); // stops the device's work on this VM's memory; its owner closes the device
    }
    for (VirtioMmioDevice d : virtioMmioDevices) {
      d.reset();
    }
    chipset.close();
    if (tpmCrb != null) {
      tpmCrb.close();
    }
    if (ownedTime != null) {
      ownedTime.close();
    }
    partition.close();
  }

  /** Makes a partition for a configuration: KVM by default, a fake in tests. */
  @FunctionalInterface
  public interface PartitionFactory {
    Partition create(PartitionConfig config) throws HypervisorException;
  }

  /** Wires a VM explicitly: memory, vCPUs, the chipset's host-side backends and the boot image. */
  public static final class Builder {
    private long memorySizeBytes = 256L << 20;
    private int vcpuCount = 1;
    private SerialBackend com1;
    private BootImage bootImage;
    private TimeSource time;
    private InstantSource wallClock = InstantSource.system();
    private byte[] cmosRam;
    private PartitionFactory partitions = Builder::kvmPartition;
    private final List<PortIoDevice> extraPortDevices = new ArrayList<>();
    private final List<MmioDevice> extraMmioDevices = new ArrayList<>();
    private TpmEngine tpmEngine;
    private TpmPlatform tpmPlatform;
    private boolean tpmStateSealed;
    private HardwareReportSource hardwareReports;
    private final List<VirtioDevice> virtioDevices = new ArrayList<>();
    private VirtioTransport virtioTransport = VirtioTransport.PCI;
    private boolean packedRings;

    private Builder() {}

    /** Guest RAM in bytes (default 256 MiB). */
    public Builder memorySize(long bytes) {
      this.memorySizeBytes = bytes;
      return this;
    }

    /** Number of vCPUs (default 1). */
    public Builder vcpus(int count) {
      this.vcpuCount = count;
      return this;
    }

    /** Where COM1's bytes go and come from; without one, COM1 is still there but discards. */
    public Builder com1(SerialBackend backend) {
      this.com1 = backend;
      return this;
    }

    /** What to boot. Required. */
    public Builder boot(BootImage image) {
      this.bootImage = image;
      return this;
    }

    /** The monotonic clock and timers devices use (default: the host's, on a timer thread). */
    public Builder timeSource(TimeSource source) {
      this.time = source;
      return this;
    }

    /** Wall-clock time for the RTC (default: the host's). */
    public Builder wallClock(InstantSource clock) {
      this.wallClock = clock;
      return this;
    }

    /**
     * CMOS RAM (bytes 0x0E–0x7F, from {@link PcChipset#cmosRam()}) to start with, as a reboot keeps
     * it (default: zeroes and the memory-size bytes).
     */
    public Builder cmosRam(byte[] ram) {
      this.cmosRam = ram.clone();
      return this;
    }

    /** How the partition is made (default: KVM through /dev/kvm). */
    public Builder partitions(PartitionFactory factory) {
      this.partitions = factory;
      return this;
    }

    /** Adds a device on top of the PC chipset (a benchmark's null device, say). */
    public Builder addDevice(PortIoDevice device) {
      extraPortDevices.add(device);
      return this;
    }

    /** Adds an MMIO device on top of the PC chipset. */
    public Builder addDevice(MmioDevice device) {
      extraMmioDevices.add(device);
      return this;
    }

    /**
     * Adds a virtio device as a virtio-pci modern function at 00:01.0, 00:02.0… in the order added:
     * BAR 0 in the host bridge's 32-bit memory window, MSI-X, INTA# on GSI 16 + device % 8 (in the
     * _PRT), or as a virtio-mmio device with {@link #virtioTransport}. device outlives the VM (a
     * guest reboot builds a new VM around it): the VM resets it when it closes, and its owner
     * closes it.
     */
    public Builder virtio(VirtioDevice device) {
      virtioDevices.add(Objects.requireNonNull(device, "device"));
      return this;
    }

    /**
     * How the guest finds the virtio devices (default {@link VirtioTransport#PCI}). With {@link
     * VirtioTransport#MMIO} each device is a virtio-mmio register block of {@link
     * VirtioMmioDevice#REGION_LENGTH} bytes from {@link #VIRTIO_MMIO_BASE}, on GSI 16, 17… (level,
     * active high), declared in the DSDT as {@code LNRO0005}; at most {@link #MAX_VIRTIO_MMIO}
     * devices.
     */
    public Builder virtioTransport(VirtioTransport transport) {
      this.virtioTransport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Whether the virtio devices offer packed virtqueues (VIRTIO_F_RING_PACKED) besides split ones;
     * off by default, as in QEMU ({@link VirtioTransportCore#SPLIT_RING_FEATURES} says why).
     */
    public Builder packedRings(boolean offer) {
      this.packedRings = offer;
      return this;
    }

    private long ringFeatures() {
      return packedRings
          ? VirtioTransportCore.RING_FEATURES
          : VirtioTransportCore.SPLIT_RING_FEATURES;
    }

    /**
     * Gives the VM a TPM 2.0: a {@link TpmCrb} at {@link TpmCrb#DEFAULT_BASE} in front of {@code
     * engine}, and the ACPI {@code TPM2} table and {@code MSFT0101} device that lead the guest to
     * it. {@link #build} power cycles the TPM through {@code platform} ({@code _TPM_Init}), as a
     * platform reset does, then starts it and measures the platform and boot image into it ({@link
     * MeasuredBoot}), leaving the event log where the TPM2 table says. Each boot (a guest reboot
     * builds a new VM) measures afresh. The TPM outlives the VM: its owner keeps and closes it.
     */
    public Builder tpm(TpmEngine engine, TpmPlatform platform) {
      this.tpmEngine = Objects.requireNonNull(engine, "engine");
      this.tpmPlatform = Objects.requireNonNull(platform, "platform");
      return this;
    }

    /**
     * Tells the guest's evidence whether the vTPM's state is sealed on the host (kept across runs)
     * rather than ephemeral (default false).
     */
    public Builder tpmStateSealed(boolean sealed) {
      this.tpmStateSealed = sealed;
      return this;
    }

    /**
     * Where the guest's evidence gets its hardware report (default: none on a partition without
     * hardware isolation, else what this machine offers, {@link HardwareReportSources#probe()}).
     */
    public Builder hardwareReports(HardwareReportSource source) {
      this.hardwareReports = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Creates the partition, wires the chipset and loads the boot image.
     *
     * @throws HypervisorException when the hypervisor refuses (no KVM, no permission…)
     * @throws BootException when the boot image cannot be loaded
     */
    public VirtualMachine build() throws HypervisorException, BootException {
      Objects.requireNonNull(bootImage, "a VM needs something to boot");
      PartitionConfig config = new PartitionConfig(memorySizeBytes, vcpuCount);
      Partition partition = partitions.create(config);
      SystemTimeSource ownedTime = null;
      PcChipset chipset = null;
      TpmCrb crb = null;
      List<VirtioPciFunction> functions = new ArrayList<>();
      List<VirtioMmioDevice> mmioDevices = new ArrayList<>();
      try {
        TimeSource clock = time;
        if (clock == null) {
          ownedTime = new SystemTimeSource("parasol-timers");
          clock = ownedTime;
        }
        ChipsetBus bus = new ChipsetBus();
        VmLifecycle lifecycle = new VmLifecycle();
        chipset = new PcChipset(bus, partition, lifecycle, clock, wallClock, com1);
        if (cmosRam != null) {
          chipset.restoreCmosRam(cmosRam);
        }
        for (PortIoDevice d : extraPortDevices) {
          bus.register(d);
        }
        for (MmioDevice d : extraMmioDevices) {
          bus.register(d);
        }
        GuestAttestation attestation = null;
        if (virtioTransport == VirtioTransport.MMIO) {
          addVirtioMmioDevices(partition, bus, chipset, mmioDevices);
        } else {
          addVirtioFunctions(partition, bus, chipset, functions);
        }
        if (tpmEngine != null) {
          attestation =
              new GuestAttestation(
                  tpmEngine,
                  hardwareReportsFor(partition),
                  new GuestAttestation.VmFacts(
                      partition.isolationType().name().toLowerCase(Locale.ROOT),
                      com1 != null,
                      tpmStateSealed),
                  wallClock);
          crb = new TpmCrb(attestation, tpmPlatform);
          bus.register(crb);
          crb.reset();
        }
        byte[] acpi = writeAcpiTables(partition, crb);
        bootImage.load(partition);
        if (crb != null) {
          measureBoot(partition, acpi);
          try {
            attestation.provision();
          } catch (TpmCommandException e) {
            LOG.warn("the guest has no evidence service this boot: {}", e.getMessage());
          }
        }
        LOG.info(
            "VM ready: {} MiB, {} vCPU(s), {}",
            memorySizeBytes >> 20,
            vcpuCount,
            partition.isolationType());
        return new VirtualMachine(
            partition, bus, chipset, lifecycle, ownedTime, crb, functions, mmioDevices);
      } catch (HypervisorException | BootException | RuntimeException e) {
        for (VirtioPciFunction f : functions) {
          f.reset();
        }
        for (VirtioMmioDevice d : mmioDevices) {
          d.reset();
        }
        if (chipset != null) {
          chipset.close();
        }
        if (crb != null) {
          crb.close();
        }
        if (ownedTime != null) {
          ownedTime.close();
        }
        partition.close();
        throw e;
      }
    }

    /**
     * Starts the TPM, measures the platform and the boot image into it and writes the event log
     * where the TPM2 table says it is.
     */
    private void measureBoot(Partition partition, byte[] acpi) throws BootException {
      List<BootMeasurement> measurements = new ArrayList<>();
      measurements.addAll(
          MeasuredBoot.platformMeasurements(PARASOL_VERSION, vcpuCount, memorySizeBytes, acpi));
      measurements.addAll(bootImage.measurements());
      TcgEventLog log;
      byte[] area;
      try {
        log = MeasuredBoot.measure(tpmEngine, measurements);
        area = MeasuredBoot.logArea(log);
      } catch (TpmCommandException | IllegalArgumentException e) {
        throw new BootException("measured boot failed: " + e.getMessage(), e);
      }
      try {
        partition.memory().write(MeasuredBoot.LOG_ADDRESS, area);
      } catch (GuestMemoryException e) {
        throw new BootException(
            "guest RAM has no room for the TPM event log: " + e.getMessage(), e);
      }
      LOG.info("measured boot: {} events into PCR banks {}", log.events().size(), log.banks());
    }

    /** The first device number virtio functions take on bus 0 (00:00.0 is the host bridge). */
    static final int FIRST_VIRTIO_SLOT = 1;

    /** The last: 00:1F belongs to the ISA bridge the DSDT describes. */
    static final int LAST_VIRTIO_SLOT = 0x1E;

    private void addVirtioFunctions(
        Partition partition, ChipsetBus bus, PcChipset chipset, List<VirtioPciFunction> out) {
      if (virtioDevices.size() > LAST_VIRTIO_SLOT - FIRST_VIRTIO_SLOT + 1) {
        throw new IllegalArgumentException(
            "at most " + (LAST_VIRTIO_SLOT - FIRST_VIRTIO_SLOT + 1) + " virtio devices");
      }
      PciMemoryWindow window = new PciMemoryWindow(acpiTables(partition).pciMemory32());
      for (int i = 0; i < virtioDevices.size(); i++) {
        int slot = FIRST_VIRTIO_SLOT + i;
        int irq = PcChipset.pciIntxGsi(slot);
        VirtioPciFunction f =
            new VirtioPciFunction(
                String.format("virtio-pci-00:%02x.0", slot),
                virtioDevices.get(i),
                partition.memory(),
                partition.msiTarget(),
                chipset.pciIntx(irq),
                bus,
                partition,
                ringFeatures());
        f.setInterruptLine(irq);
        chipset.pci().registerDevice(0, slot, 0, f);
        out.add(f);
        f.placeBar(window.allocate(VirtioPciFunction.BAR_SIZE));
        LOG.debug(
            "{}: virtio device {}, BAR 0 at {}", f, virtioDevices.get(i).deviceId(), f.mappedBar());
      }
    }

    private AcpiTables acpiTables(Partition partition) {
      List<Dsdt.PrtEntry> routes = new ArrayList<>();
      List<Dsdt.VirtioMmioEntry> mmio = new ArrayList<>();
      for (int i = 0; i < virtioDevices.size(); i++) {
        if (virtioTransport == VirtioTransport.MMIO) {
          mmio.add(
              new Dsdt.VirtioMmioEntry(
                  virtioMmioBase(i), VirtioMmioDevice.REGION_LENGTH, FIRST_VIRTIO_MMIO_GSI + i));
        } else {
          int slot = FIRST_VIRTIO_SLOT + i;
          routes.add(new Dsdt.PrtEntry(slot, 0, PcChipset.pciIntxGsi(slot)));
        }
      }
      return AcpiTables.builder()
          .partition(partition.config())
          .ecam(PciEcam.DEFAULT_BASE, PciEcam.DEFAULT_BUS_COUNT)
          .pciInterruptRoutes(routes)
          .virtioMmio(mmio);
    }

    /**
     * Where virtio-mmio devices start: where QEMU's microvm puts them, the top MiB of the 32-bit
     * hole below the IOAPIC (taken out of the PCI window when there are any).
     */
    public static final long VIRTIO_MMIO_BASE = 0xFEB0_0000L;

    /** The first virtio-mmio device's GSI: the IOAPIC pins above the ISA IRQs. */
    static final int FIRST_VIRTIO_MMIO_GSI = 16;

    /** One GSI each on IOAPIC pins 16–23. */
    public static final int MAX_VIRTIO_MMIO = 8;

    private static long virtioMmioBase(int index) {
      return VIRTIO_MMIO_BASE + index * VirtioMmioDevice.REGION_LENGTH;
    }

    private void addVirtioMmioDevices(
        Partition partition, ChipsetBus bus, PcChipset chipset, List<VirtioMmioDevice> out) {
      if (virtioDevices.size() > MAX_VIRTIO_MMIO) {
        throw new IllegalArgumentException("at most " + MAX_VIRTIO_MMIO + " virtio-mmio devices");
      }
      for (int i = 0; i < virtioDevices.size(); i++) {
        VirtioMmioDevice d =
            new VirtioMmioDevice(
                "virtio-mmio-" + i,
                virtioMmioBase(i),
                virtioDevices.get(i),
                partition.memory(),
                chipset.ioApic().pin(FIRST_VIRTIO_MMIO_GSI + i),
                ringFeatures());
        bus.register(d);
        out.add(d);
        LOG.debug("{}: virtio device {} at {}", d, virtioDevices.get(i).deviceId(), d.region());
      }
    }

    /**
     * Describes the PC chipset in ACPI tables at the start of the BIOS area, where an OS that boots
     * without firmware (Linux through its boot protocol) scans for the RSDP; returns their bytes.
     */
    private byte[] writeAcpiTables(Partition partition, TpmCrb crb) throws BootException {
      AcpiTables tables = acpiTables(partition);
      if (crb != null) {
        tables.tpmCrb(crb.region().base(), MeasuredBoot.LOG_SIZE, MeasuredBoot.LOG_ADDRESS);
      }
      AcpiTables.Blob acpi = tables.build(AcpiTables.BIOS_AREA_BASE);
      if (crb != null && acpi.baseAddress() + acpi.bytes().length > MeasuredBoot.LOG_ADDRESS) {
        throw new BootException(
            "the ACPI tables ("
                + acpi.bytes().length
                + " bytes) run into the TPM event log at 0x"
                + Long.toHexString(MeasuredBoot.LOG_ADDRESS));
      }
      try {
        partition.memory().write(acpi.baseAddress(), acpi.bytes());
      } catch (GuestMemoryException e) {
        throw new BootException("guest RAM has no room for the ACPI tables: " + e.getMessage(), e);
      }
      LOG.debug(
          "ACPI tables at 0x{}: {}", Long.toHexString(acpi.baseAddress()), acpi.tables().keySet());
      return acpi.bytes();
    }

    private HardwareReportSource hardwareReportsFor(Partition partition) {
      if (hardwareReports != null) {
        return hardwareReports;
      }
      return partition.isolationType() == IsolationType.NONE
          ? new NoHardwareSource("plain KVM: the VM has no SEV-SNP or TDX isolation")
          : HardwareReportSources.probe();
    }

    private static Partition kvmPartition(PartitionConfig config) throws HypervisorException {
      try (Kvm kvm = Kvm.open()) {
        return kvm.createPartition(config);
      }
    }
  }
}
