package io.parasol.isolation;

import io.parasol.machine.irq.MsiTarget;
import io.parasol.machine.memory.MemoryRange;
import io.parasol.machine.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A partition that exists only on the heap, for tests and fuzzers that wire devices to a partition
 * but never run a guest (no KVM, no root). Guest RAM is zeroed heap memory laid out as {@link
 * PartitionConfig} says (below the MMIO hole from 0, the rest from 4 GiB); the vCPUs are {@link
 * HeapVirtualProcessor}s, whose {@code run} throws; MSIs and IOAPIC routes are recorded so a test
 * can check what a device delivered. Notifiers (ioeventfd, irqfd) need a kernel and are refused
 * with a {@link HypervisorException}.
 *
 * <p>Thread-safe: devices may deliver MSIs from timer threads while a test reads them.
 */
public final class HeapPartition implements Partition {
  /**
   * How many of the most recent MSIs {@link #msis()} keeps; {@link #msiCount()} counts them all.
   */
  public static final int MSI_HISTORY = 1024;

  /** One delivered MSI. */
  public record Msi(long address, int data) {
    /** The vector, MSI data bits 7:0 (Intel SDM Vol. 3A §11.11.2). */
    public int vector() {
      return data & 0xFF;
    }
  }

  /** One IOAPIC pin's route as last told by {@link #setIoApicRoute}. */
  public record IoApicRoute(int pin, long msiAddress, int msiData, boolean masked) {}

  private final PartitionConfig config;
  private final SegmentGuestMemory memory;
  private final HeapVirtualProcessor[] vps;
  private final ArrayDeque<Msi> msis = new ArrayDeque<>();
  private final Map<Integer, IoApicRoute> routes = new TreeMap<>();
  private long msiCount;
  private long routeUpdates;
  private boolean closed;
  private final MsiTarget msiTarget = this::recordMsi;

  /** A heap partition shaped by {@code config}: its memory size, vCPU count and MMIO hole. */
  public HeapPartition(PartitionConfig config) {
    this.config = config;
    List<MemoryRange> ranges = new ArrayList<>();
    // Arena.ofAuto: the memory lives as long as the partition is reachable, as in a test it should.
    Arena arena = Arena.ofAuto();
    ranges.add(new MemoryRange(0, arena.allocate(config.lowMemoryBytes(), 4096), true));
    if (config.highMemoryBytes() > 0) {
      ranges.add(
          new MemoryRange(
              PartitionConfig.FOUR_GIB, arena.allocate(config.highMemoryBytes(), 4096), true));
    }
    this.memory = new SegmentGuestMemory(ranges);
    this.vps = new HeapVirtualProcessor[config.vpCount()];
    for (int i = 0; i < vps.length; i++) {
      vps[i] = new HeapVirtualProcessor(i);
    }
  }

  /** A heap partition of {@code memorySizeBytes} RAM and one vCPU. */
  public static HeapPartition ofSize(long memorySizeBytes) {
    return new HeapPartition(new PartitionConfig(memorySizeBytes, 1));
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

  @Override
  public HeapVirtualProcessor vp(int index) {
    if (index < 0 || index >= vps.length) {
      throw new IllegalArgumentException("no vCPU " + index + " in a partition of " + vps.length);
    }
    return vps[index];
  }

  @Override
  public MsiTarget msiTarget() {
    return msiTarget;
  }

  private synchronized void recordMsi(long address, int data) {
    msiCount++;
    if (msis.size() == MSI_HISTORY) {
      msis.removeFirst();
    }
    msis.addLast(new Msi(address, data));
  }

  /** The most recent MSIs delivered, oldest first (at most {@link #MSI_HISTORY}). */
  public synchronized List<Msi> msis() {
    return List.copyOf(msis);
  }

  /**
   * Every MSI delivered since the partition was made, including those no longer in {@link #msis()}.
   */
  public synchronized long msiCount() {
    return msiCount;
  }

  /** Forgets the recorded MSIs and resets {@link #msiCount()}. */
  public synchronized void clearMsis() {
    msis.clear();
    msiCount = 0;
  }

  @Override
  public synchronized void setIoApicRoute(int pin, long msiAddress, int msiData, boolean masked) {
    routes.put(pin, new IoApicRoute(pin, msiAddress, msiData, masked));
    routeUpdates++;
  }

  /** The last route set for each pin, by pin. */
  public synchronized Map<Integer, IoApicRoute> ioApicRoutes() {
    return Map.copyOf(routes);
  }

  /** How many times {@link #setIoApicRoute} was called. */
  public synchronized long ioApicRouteUpdates() {
    return routeUpdates;
  }

  /** Always refuses: an ioeventfd needs a hypervisor. */
  @Override
  public EventNotifier ioEventNotifier(
      boolean mmio, long address, int lengthBytes, OptionalLong dataMatch)
      throws HypervisorException {
    throw new HypervisorException("ioeventfd not supported by a heap partition");
  }

  /** Always refuses: an irqfd needs a hypervisor. */
  @Override
  public EventNotifier irqNotifier(long msiAddress, int msiData) throws HypervisorException {
    throw new HypervisorException("irqfd not supported by a heap partition");
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Marks the partition closed; the heap memory goes when the partition is unreachable. */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
