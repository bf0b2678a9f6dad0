package io.parasol.isolation.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.parasol.isolation.EventNotifier;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.IsolationType;
import io.parasol.isolation.Partition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.kvm.sys.ErrnoException;
import io.parasol.isolation.kvm.sys.KvmAbi;
import io.parasol.isolation.kvm.sys.LibC;
import io.parasol.machine.irq.MsiTarget;
import io.parasol.machine.memory.MemoryRange;
import io.parasol.machine.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KVM virtual machine: guest RAM (private huge-page memory, or a memfd when it is to be shared),
 * the vCPUs, and interrupt plumbing for KVM's split irqchip (local APICs in the kernel; PIC and
 * IOAPIC modelled by Parasol in userspace).
 *
 * <p>The VM is created in this order (api.rst 4.2 KVM_CREATE_VM, 7.20 KVM_CAP_SPLIT_IRQCHIP, which
 * must be enabled before any vCPU exists): VM, TSS and identity-map addresses, split irqchip with
 * 24 IOAPIC routes reserved, memory slots, vCPUs.
 */
public final class KvmPartition implements Partition {
  private static final Logger LOG = LoggerFactory.getLogger(KvmPartition.class);

  /** IOAPIC pins KVM reserves GSIs for in split-irqchip mode (KVM_ENABLE_CAP args[0]). */
  public static final int IOAPIC_PINS = 24;

  /** Three pages below the BIOS the VMX real-mode TSS uses (api.rst 4.23 KVM_SET_TSS_ADDR). */
  static final long TSS_ADDRESS = 0xFFFB_D000L;

  /** The page just below it for the EPT identity map (api.rst 4.78 KVM_SET_IDENTITY_MAP_ADDR). */
  static final long IDENTITY_MAP_ADDRESS = 0xFFFB_C000L;

  /** A transparent huge page (x86-64 PMD): private guest RAM is aligned to it. */
  static final long HUGE_PAGE = 2L << 20;

  private final PartitionConfig config;
  private final int vmFd;
  private final int mmapSize;
  private final CpuidEntries supportedCpuid;
  private final Arena arena = Arena.ofShared();
  private final List<MemoryRegionFd> regions = new ArrayList<>();
  // Set once by build(), before the partition is handed out.
  private int memFd = -1;
  private SegmentGuestMemory memory;
  private final KvmVirtualProcessor[] vcpus;
  private final MsiTarget msiTarget = this::signalMsi;
  private final AtomicBoolean closed = new AtomicBoolean();

  // GSI routing table (api.rst 4.52 KVM_SET_GSI_ROUTING replaces it whole): IOAPIC pins 0..23
  // and irqfd GSIs from 24 up, each an MSI {address, data}.
  private final Object routingLock = new Object();

  /** One GSI's MSI, as KVM_SET_GSI_ROUTING takes it. */
  private record MsiRoute(long address, int data) {}

  private final Map<Integer, MsiRoute> routes = new TreeMap<>();
  private final BitSet usedGsis = new BitSet();
  private final Set<KvmEventNotifier> notifiers = ConcurrentHashMap.newKeySet();

  private KvmPartition(PartitionConfig config, int vmFd, int mmapSize, CpuidEntries cpuid) {
    this.config = config;
    this.vmFd = vmFd;
    this.mmapSize = mmapSize;
    this.supportedCpuid = cpuid;
    this.vcpus = new KvmVirtualProcessor[config.vpCount()];
  }

  static KvmPartition create(int kvmFd, PartitionConfig config, int mmapSize, CpuidEntries cpuid)
      throws HypervisorException {
    int vmFd = LibC.ioctl(kvmFd, KvmAbi.KVM_CREATE_VM, 0L, "KVM_CREATE_VM");
    KvmPartition partition = new KvmPartition(config, vmFd, mmapSize, cpuid);
    try {
      partition.build();
      return partition;
    } catch (HypervisorException | RuntimeException e) {
      partition.close(); // releases whatever build() made before it failed
      throw e;
    }
  }

  private void build() throws HypervisorException {
    setupAddresses();
    enableSplitIrqchip();
    if (config.sharedMemory()) {
      memFd = LibC.memfdCreate("parasol-guest-ram", LibC.MFD_CLOEXEC);
      LibC.ftruncate(memFd, config.memorySizeBytes());
    }
    List<MemoryRange> ranges = new ArrayList<>();
    mapRegion(0, 0, 0, config.lowMemoryBytes(), ranges);
    if (config.highMemoryBytes() > 0) {
      long high = config.highMemoryBytes();
      mapRegion(1, PartitionConfig.FOUR_GIB, config.lowMemoryBytes(), high, ranges);
    }
    memory = new SegmentGuestMemory(ranges);
    for (int i = 0; i < vcpus.length; i++) {
      vcpus[i] = new KvmVirtualProcessor(this, i, createVcpuFd(i));
    }
  }

  private void setupAddresses() {
    // Only VMX needs these (for real mode without unrestricted guest); elsewhere they may be
    // refused, which is harmless, so failures are logged, not thrown.
    try {
      LibC.ioctl(vmFd, KvmAbi.KVM_SET_TSS_ADDR, TSS_ADDRESS, "KVM_SET_TSS_ADDR");
    } catch (ErrnoException e) {
      LOG.debug("{} (ignored)", e.getMessage());
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment address = a.allocate(JAVA_LONG);
      address.set(JAVA_LONG, 0, IDENTITY_MAP_ADDRESS);
      LibC.ioctl(vmFd, KvmAbi.KVM_SET_IDENTITY_MAP_ADDR, address, "KVM_SET_IDENTITY_MAP_ADDR");
    } catch (ErrnoException e) {
      LOG.debug("{} (ignored)", e.getMessage());
    }
  }

  private void enableSplitIrqchip() throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment cap = a.allocate(KvmAbi.ENABLE_CAP_SIZE, 8);
      cap.set(JAVA_INT, KvmAbi.ENABLE_CAP_CAP, KvmAbi.KVM_CAP_SPLIT_IRQCHIP);
      cap.set(JAVA_LONG, KvmAbi.ENABLE_CAP_ARGS, IOAPIC_PINS);
      LibC.ioctl(vmFd, KvmAbi.KVM_ENABLE_CAP, cap, "KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP)");
    }
  }

  private void mapRegion(int slot, long gpa, long fdOffset, long size, List<MemoryRange> ranges)
      throws HypervisorException {
    MemorySegment mapping;
    if (memFd >= 0) {
      mapping =
          LibC.mmap(
              size,
              LibC.PROT_READ | LibC.PROT_WRITE,
              LibC.MAP_SHARED | LibC.MAP_NORESERVE,
              memFd,
              fdOffset,
              arena,
              "mmap guest RAM");
    } else {
      // Both of a region's addresses 2 MiB-aligned (its GPA is 0 or 4 GiB), so a huge page of
      // the process is a huge page of the guest: under nested paging (the lab's kvm_amd runs
      // inside QEMU's TCG) every 4 KiB fault the guest takes costs an exit of L1's hypervisor.
      mapping = LibC.mmapAnonymous(size, HUGE_PAGE, arena);
      try {
        LibC.madvise(mapping.address(), size, LibC.MADV_HUGEPAGE);
      } catch (ErrnoException e) {
        LOG.debug("no transparent huge pages for guest RAM: {}", e.getMessage());
      }
    }
    regions.add(new MemoryRegionFd(gpa, size, memFd, fdOffset, mapping.address()));
    try (Arena a = Arena.ofConfined()) {
      MemorySegment region = a.allocate(KvmAbi.MEMORY_REGION_SIZE, 8);
      region.set(JAVA_INT, KvmAbi.MR_SLOT, slot);
      region.set(JAVA_INT, KvmAbi.MR_FLAGS, 0);
      region.set(JAVA_LONG, KvmAbi.MR_GUEST_PHYS_ADDR, gpa);
      region.set(JAVA_LONG, KvmAbi.MR_MEMORY_SIZE, size);
      region.set(JAVA_LONG, KvmAbi.MR_USERSPACE_ADDR, mapping.address());
      LibC.ioctl(vmFd, KvmAbi.KVM_SET_USER_MEMORY_REGION, region, "KVM_SET_USER_MEMORY_REGION");
    }
    ranges.add(new MemoryRange(gpa, mapping, true));
  }

  /** KVM_CREATE_VCPU with vCPU id {@code index}; returns the vCPU fd. */
  int createVcpuFd(int index) throws HypervisorException {
    return LibC.ioctl(vmFd, KvmAbi.KVM_CREATE_VCPU, index, "KVM_CREATE_VCPU(" + index + ")");
  }

  int mmapSize() {
    return mmapSize;
  }

  Arena arena() {
    return arena;
  }

  CpuidEntries supportedCpuid() {
    return supportedCpuid;
  }

  @Override
  public IsolationType isolationType() {
    return IsolationType.NONE;
  }

  @Override
  public PartitionConfig config() {
    return config;
  }

  @Override
  public SegmentGuestMemory memory() {
    return memory;
  }

  /**
   * Guest RAM as memfd regions, for peers (vhost-user) that map it themselves; only a partition
   * made with {@link PartitionConfig#sharedMemory()} has them.
   */
  public List<MemoryRegionFd> memoryRegions() {
    if (memFd < 0) {
      throw new IllegalStateException("guest RAM is private: the partition was not made shared");
    }
    return List.copyOf(regions);
  }

  @Override
  public KvmVirtualProcessor vp(int index) {
    return vcpus[index];
  }

  @Override
  public MsiTarget msiTarget() {
    return msiTarget;
  }

  private void signalMsi(long address, int data) {
    // DEVNOTE: a confined arena per MSI (malloc/free); fine at device interrupt rates. A per-thread
    // buffer would remove it if MSIs show up in profiles.
    try (Arena a = Arena.ofConfined()) {
      MemorySegment msi = a.allocate(KvmAbi.MSI_SIZE, 8);
      msi.set(JAVA_INT, KvmAbi.MSI_ADDRESS_LO, (int) address);
      msi.set(JAVA_INT, KvmAbi.MSI_ADDRESS_HI, (int) (address >>> 32));
      msi.set(JAVA_INT, KvmAbi.MSI_DATA, data);
      // api.rst 4.71 KVM_SIGNAL_MSI: >0 delivered, 0 blocked by the guest, <0 error.
      LibC.ioctl(vmFd, KvmAbi.KVM_SIGNAL_MSI, msi, "KVM_SIGNAL_MSI");
    } catch (ErrnoException e) {
      // The address and data come from guest-programmed registers: a bad MSI is the guest's
      // problem, so it is dropped, not thrown.
      LOG.warn(
          "MSI address=0x{} data=0x{} dropped: {}",
          Long.toHexString(address),
          Integer.toHexString(data),
          e.getMessage());
    }
  }

  @Override
  public void setIoApicRoute(int pin, long msiAddress, int msiData, boolean masked)
      throws HypervisorException {
    if (pin < 0 || pin >= IOAPIC_PINS) {
      throw new IllegalArgumentException("IOAPIC pin out of range: " + pin);
    }
    synchronized (routingLock) {
      // In split-irqchip mode KVM scans the MSI routes of GSIs below the reserved pin count to
      // learn which vectors are level-triggered and need KVM_EXIT_IOAPIC_EOI (api.rst 7.20).
      // Only a change reaches KVM: the guest rewrites entries often (each half of an entry, a
      // mask of a masked pin), and every KVM_SET_GSI_ROUTING waits for an SRCU grace period --
      // milliseconds in the nested lab, where Linux's IOAPIC set-up took a quarter of a second.
      MsiRoute route = masked ? null : new MsiRoute(msiAddress, msiData);
      if (Objects.equals(route, routes.get(pin))) {
        return;
      }
      if (route == null) {
        routes.remove(pin);
      } else {
        routes.put(pin, route);
      }
      commitRoutes();
    }
  }

  private void commitRoutes() throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      long bytes = KvmAbi.IRQ_ROUTING_HEADER_SIZE + routes.size() * KvmAbi.IRQ_ROUTING_ENTRY_SIZE;
      MemorySegment table = a.allocate(bytes, 8);
      table.set(JAVA_INT, 0, routes.size());
      long at = KvmAbi.IRQ_ROUTING_HEADER_SIZE;
      for (Map.Entry<Integer, MsiRoute> route : routes.entrySet()) {
        long address = route.getValue().address();
        table.set(JAVA_INT, at + KvmAbi.IRE_GSI, route.getKey());
        table.set(JAVA_INT, at + KvmAbi.IRE_TYPE, KvmAbi.KVM_IRQ_ROUTING_MSI);
        table.set(JAVA_INT, at + KvmAbi.IRE_MSI_ADDRESS_LO, (int) address);
        table.set(JAVA_INT, at + KvmAbi.IRE_MSI_ADDRESS_HI, (int) (address >>> 32));
        table.set(JAVA_INT, at + KvmAbi.IRE_MSI_DATA, route.getValue().data());
        at += KvmAbi.IRQ_ROUTING_ENTRY_SIZE;
      }
      LibC.ioctl(vmFd, KvmAbi.KVM_SET_GSI_ROUTING, table, "KVM_SET_GSI_ROUTING");
    }
  }

  @Override
  public EventNotifier ioEventNotifier(
      boolean mmio, long address, int lengthBytes, OptionalLong dataMatch)
      throws HypervisorException {
    boolean validLength =
        lengthBytes == 1
            || lengthBytes == 2
            || lengthBytes == 4
            || lengthBytes == 8
            || (lengthBytes == 0 && mmio);
    if (!validLength) {
      throw new IllegalArgumentException("ioeventfd length must be 1, 2, 4 or 8: " + lengthBytes);
    }
    requireOpen();
    int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    String what =
        String.format(
            "ioeventfd %s 0x%x/%d%s",
            mmio ? "mmio" : "port",
            address,
            lengthBytes,
            dataMatch.isPresent() ? " =0x" + Long.toHexString(dataMatch.getAsLong()) : "");
    KvmEventNotifier notifier = new KvmEventNotifier(fd, what, this);
    int flags =
        (mmio ? 0 : KvmAbi.KVM_IOEVENTFD_FLAG_PIO)
            | (dataMatch.isPresent() ? KvmAbi.KVM_IOEVENTFD_FLAG_DATAMATCH : 0);
    try {
      ioeventfd(fd, address, lengthBytes, dataMatch.orElse(0), flags);
    } catch (HypervisorException e) {
      LibC.close(fd);
      throw e;
    }
    notifier.setDeassign(
        () ->
            ioeventfd(
                fd,
                address,
                lengthBytes,
                dataMatch.orElse(0),
                flags | KvmAbi.KVM_IOEVENTFD_FLAG_DEASSIGN));
    notifiers.add(notifier);
    return notifier;
  }

  private void ioeventfd(int fd, long address, int length, long dataMatch, int flags)
      throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.IOEVENTFD_SIZE, 8);
      s.set(JAVA_LONG, KvmAbi.IOEVENTFD_DATAMATCH, dataMatch);
      s.set(JAVA_LONG, KvmAbi.IOEVENTFD_ADDR, address);
      s.set(JAVA_INT, KvmAbi.IOEVENTFD_LEN, length);
      s.set(JAVA_INT, KvmAbi.IOEVENTFD_FD, fd);
      s.set(JAVA_INT, KvmAbi.IOEVENTFD_FLAGS, flags);
      LibC.ioctl(vmFd, KvmAbi.KVM_IOEVENTFD, s, "KVM_IOEVENTFD");
    }
  }

  @Override
  public EventNotifier irqNotifier(long msiAddress, int msiData) throws HypervisorException {
    requireOpen();
    int gsi;
    synchronized (routingLock) {
      gsi = usedGsis.nextClearBit(IOAPIC_PINS);
      usedGsis.set(gsi);
      routes.put(gsi, new MsiRoute(msiAddress, msiData));
      try {
        commitRoutes();
      } catch (HypervisorException e) {
        routes.remove(gsi);
        usedGsis.clear(gsi);
        throw e;
      }
    }
    int fd;
    try {
      fd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
      try {
        irqfd(fd, gsi, 0);
      } catch (HypervisorException e) {
        LibC.close(fd);
        throw e;
      }
    } catch (HypervisorException e) {
      releaseGsi(gsi);
      throw e;
    }
    KvmEventNotifier notifier =
        new KvmEventNotifier(
            fd, String.format("irqfd gsi %d -> MSI 0x%x/0x%x", gsi, msiAddress, msiData), this);
    int finalGsi = gsi;
    notifier.setDeassign(
        () -> {
          irqfd(fd, finalGsi, KvmAbi.KVM_IRQFD_FLAG_DEASSIGN);
          releaseGsi(finalGsi);
        });
    notifiers.add(notifier);
    return notifier;
  }

  private void releaseGsi(int gsi) throws HypervisorException {
    synchronized (routingLock) {
      routes.remove(gsi);
      usedGsis.clear(gsi);
      if (!closed.get()) {
        commitRoutes();
      }
    }
  }

  private void irqfd(int fd, int gsi, int flags) throws HypervisorException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment s = a.allocate(KvmAbi.IRQFD_SIZE, 8);
      s.set(JAVA_INT, KvmAbi.IRQFD_FD, fd);
      s.set(JAVA_INT, KvmAbi.IRQFD_GSI, gsi);
      s.set(JAVA_INT, KvmAbi.IRQFD_FLAGS, flags);
      LibC.ioctl(vmFd, KvmAbi.KVM_IRQFD, s, "KVM_IRQFD");
    }
  }

  void forget(KvmEventNotifier notifier) {
    notifiers.remove(notifier);
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("partition is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (KvmEventNotifier n : List.copyOf(notifiers)) {
      n.close();
    }
    for (KvmVirtualProcessor vp : vcpus) {
      if (vp != null) {
        vp.release();
      }
    }
    // Closing the arena invalidates every segment over guest RAM and kvm_run pages (a later
    // access throws instead of touching unmapped memory); only then are they unmapped.
    arena.close();
    for (MemoryRegionFd r : regions) {
      unmap(r.hostAddress(), r.sizeBytes());
    }
    for (KvmVirtualProcessor vp : vcpus) {
      if (vp != null) {
        vp.unmapAndClose();
      }
    }
    if (memFd >= 0) {
      LibC.close(memFd);
    }
    LibC.close(vmFd);
  }

  static void unmap(long address, long size) {
    try {
      LibC.munmap(address, size);
    } catch (ErrnoException e) {
      LOG.warn("{}", e.getMessage());
    }
  }
}
