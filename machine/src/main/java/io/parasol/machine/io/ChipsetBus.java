package io.parasol.machine.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes port-I/O and MMIO accesses to the devices that claimed them.
 *
 * <p>Policy, as in OpenVMM's chipset bus: regions may not overlap (registering one that does is a
 * wiring bug and throws); a read nobody claims returns all-ones; a write nobody claims is dropped;
 * both are counted and logged at a limited rate. A device that refuses an access ({@link IoStatus}
 * other than OK) is treated the same way. Each device is called under its own monitor, so devices
 * see one access at a time even with several vCPUs. A device that throws has a bug: the access is
 * dropped as refused, logged and counted ({@link #deviceFaults()}), and the VM goes on.
 *
 * <p>Lookups are lock-free and allocation-free: ports use a 64 Ki-entry table, MMIO a sorted array
 * searched by bisection. Both are replaced whole on (rare) registration changes.
 */
public final class ChipsetBus {
  private static final Logger LOG = LoggerFactory.getLogger(ChipsetBus.class);
  private static final int PORT_COUNT = 0x10000;

  private record PortSlot(PortIoDevice device, IoRegion region) {}

  private record MmioSlot(MmioDevice device, IoRegion region) {}

  private volatile PortSlot[] ports = new PortSlot[PORT_COUNT];
  private volatile MmioSlot[] mmio = new MmioSlot[0];
  private final Object registrationLock = new Object();

  private final LongAdder unclaimedReads = new LongAdder();
  private final LongAdder unclaimedWrites = new LongAdder();
  private final LongAdder refusedAccesses = new LongAdder();
  private final LongAdder deviceFaults = new LongAdder();
  private final LogRateLimiter logLimiter = new LogRateLimiter(10, 1_000_000_000L);

  /**
   * Claims every port region of {@code device}.
   *
   * @throws IllegalArgumentException when a region lies outside 0..0xFFFF or overlaps one already
   *     claimed; nothing is registered then
   */
  public void register(PortIoDevice device) {
    synchronized (registrationLock) {
      PortSlot[] next = ports.clone();
      for (IoRegion region : device.portRegions()) {
        if (region.end() > PORT_COUNT) {
          throw new IllegalArgumentException("port region " + region + " lies past port 0xFFFF");
        }
        for (int port = (int) region.base(); port < region.end(); port++) {
          if (next[port] != null) {
            throw new IllegalArgumentException(
                "port region " + region + " overlaps " + next[port].region());
          }
          next[port] = new PortSlot(device, region);
        }
      }
      ports = next;
    }
  }

  /** Releases every port region of {@code device}; regions it does not hold are left alone. */
  public void unregister(PortIoDevice device) {
    synchronized (registrationLock) {
      PortSlot[] next = ports.clone();
      for (int port = 0; port < PORT_COUNT; port++) {
        if (next[port] != null && next[port].device() == device) {
          next[port] = null;
        }
      }
      ports = next;
    }
  }

  /**
   * Claims every MMIO region of {@code device}.
   *
   * @throws IllegalArgumentException when a region overlaps one already claimed
   */
  public void register(MmioDevice device) {
    synchronized (registrationLock) {
      List<MmioSlot> next = new ArrayList<>(Arrays.asList(mmio));
      for (IoRegion region : device.mmioRegions()) {
        for (MmioSlot slot : next) {
          if (slot.region().overlaps(region)) {
            throw new IllegalArgumentException(
                "MMIO region " + region + " overlaps " + slot.region());
          }
        }
        next.add(new MmioSlot(device, region));
      }
      next.sort((a, b) -> Long.compareUnsigned(a.region().base(), b.region().base()));
      mmio = next.toArray(MmioSlot[]::new);
    }
  }

  /** Releases every MMIO region of {@code device}. */
  public void unregister(MmioDevice device) {
    synchronized (registrationLock) {
      mmio = Arrays.stream(mmio).filter(s -> s.device() != device).toArray(MmioSlot[]::new);
    }
  }

  /** A guest {@code in} from {@code port}: fills {@code data}. */
  public void readPort(int port, IoData data) {
    PortSlot slot = ports[port & 0xFFFF];
    if (slot == null) {
      unclaimedReads.increment();
      data.setValue(data.size().allOnes());
      if (LOG.isDebugEnabled()) {
        logMiss("read of unclaimed port 0x%x (%s)", port, data.size());
      }
      return;
    }
    IoStatus status;
    PortIoDevice device = slot.device();
    try {
      synchronized (device) {
        status = device.readPort(slot.region(), (int) (port - slot.region().base()), data);
      }
    } catch (RuntimeException e) {
      status = deviceFault(slot.region(), e);
    }
    if (status != IoStatus.OK) {
      refused(status, "read", slot.region(), port, data);
      data.setValue(data.size().allOnes());
    }
  }

  /** A guest {@code out} to {@code port} of {@code data}'s value. */
  public void writePort(int port, IoData data) {
    PortSlot slot = ports[port & 0xFFFF];
    if (slot == null) {
      unclaimedWrites.increment();
      if (LOG.isDebugEnabled()) {
        logMiss("write of 0x%x to unclaimed port 0x%x (%s)", data.value(), port, data.size());
      }
      return;
    }
    IoStatus status;
    PortIoDevice device = slot.device();
    try {
      synchronized (device) {
        status = device.writePort(slot.region(), (int) (port - slot.region().base()), data);
      }
    } catch (RuntimeException e) {
      status = deviceFault(slot.region(), e);
    }
    if (status != IoStatus.OK) {
      refused(status, "write", slot.region(), port, data);
    }
  }

  /** A guest load from {@code gpa}: fills {@code data}. */
  public void readMmio(long gpa, IoData data) {
    MmioSlot slot = findMmio(gpa);
    if (slot == null) {
      unclaimedReads.increment();
      data.setValue(data.size().allOnes());
      if (LOG.isDebugEnabled()) {
        logMiss("read of unclaimed address 0x%x (%s)", gpa, data.size());
      }
      return;
    }
    IoStatus status;
    MmioDevice device = slot.device();
    try {
      synchronized (device) {
        status = device.readMmio(slot.region(), gpa - slot.region().base(), data);
      }
    } catch (RuntimeException e) {
      status = deviceFault(slot.region(), e);
    }
    if (status != IoStatus.OK) {
      refused(status, "read", slot.region(), gpa, data);
      data.setValue(data.size().allOnes());
    }
  }

  /** A guest store to {@code gpa} of {@code data}'s value. */
  public void writeMmio(long gpa, IoData data) {
    MmioSlot slot = findMmio(gpa);
    if (slot == null) {
      unclaimedWrites.increment();
      if (LOG.isDebugEnabled()) {
        logMiss("write of 0x%x to unclaimed address 0x%x (%s)", data.value(), gpa, data.size());
      }
      return;
    }
    IoStatus status;
    MmioDevice device = slot.device();
    try {
      synchronized (device) {
        status = device.writeMmio(slot.region(), gpa - slot.region().base(), data);
      }
    } catch (RuntimeException e) {
      status = deviceFault(slot.region(), e);
    }
    if (status != IoStatus.OK) {
      refused(status, "write", slot.region(), gpa, data);
    }
  }

  /** Whether some device claims {@code gpa}. */
  public boolean claimsMmio(long gpa) {
    return findMmio(gpa) != null;
  }

  /** Whether some device claims {@code port}. */
  public boolean claimsPort(int port) {
    return ports[port & 0xFFFF] != null;
  }

  /**
   * The port regions devices have claimed, lowest port first: a read-only snapshot for diagnostics
   * and for fuzzers that drive every device through the regions it declared.
   */
  public List<IoRegion> portRegions() {
    PortSlot[] slots = ports;
    List<IoRegion> regions = new ArrayList<>();
    for (int port = 0; port < PORT_COUNT; port++) {
      // A region fills consecutive slots; it starts where its base is.
      if (slots[port] != null && slots[port].region().base() == port) {
        regions.add(slots[port].region());
      }
    }
    return List.copyOf(regions);
  }

  /** The MMIO regions devices have claimed, lowest address first: a read-only snapshot. */
  public List<IoRegion> mmioRegions() {
    return Arrays.stream(mmio).map(MmioSlot::region).toList();
  }

  /** Reads that no device claimed, since the bus was made. */
  public long unclaimedReads() {
    return unclaimedReads.sum();
  }

  /** Writes that no device claimed and were dropped. */
  public long unclaimedWrites() {
    return unclaimedWrites.sum();
  }

  /** Accesses a device refused with a status other than OK. */
  public long refusedAccesses() {
    return refusedAccesses.sum();
  }

  /**
   * Accesses during which a device threw: a bug in that device, contained so that a guest cannot
   * crash the paravisor through it. Tests and fuzzers assert this stays zero.
   */
  public long deviceFaults() {
    return deviceFaults.sum();
  }

  private IoStatus deviceFault(IoRegion region, RuntimeException e) {
    deviceFaults.increment();
    if (logLimiter.tryAcquire()) {
      LOG.error("device {} failed on an access; the access is dropped", region.name(), e);
    }
    return IoStatus.INVALID_REGISTER;
  }

  private MmioSlot findMmio(long gpa) {
    MmioSlot[] slots = mmio;
    int lo = 0;
    int hi = slots.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      IoRegion region = slots[mid].region();
      if (Long.compareUnsigned(gpa, region.base()) < 0) {
        hi = mid - 1;
      } else if (Long.compareUnsigned(gpa - region.base(), region.length()) >= 0) {
        lo = mid + 1;
      } else {
        return slots[mid];
      }
    }
    return null;
  }

  private void refused(IoStatus status, String what, IoRegion region, long address, IoData data) {
    refusedAccesses.increment();
    if (logLimiter.tryAcquire()) {
      LOG.warn(
          "{} refused a {} {} at 0x{} (offset 0x{}): {}",
          region.name(),
          data.size(),
          what,
          Long.toHexString(address),
          Long.toHexString(address - region.base()),
          status);
    }
  }

  private void logMiss(String format, Object... args) {
    if (logLimiter.tryAcquire()) {
      LOG.debug(String.format(format, args));
    }
  }
}
