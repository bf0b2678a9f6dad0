package io.parasol.paravisor.pci;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The configuration space of PCI segment 0: which function answers at each bus/device/function,
 * shared by configuration mechanism #1 and ECAM so both reach the same registers.
 *
 * <p>An absent function reads as all-ones and drops writes (PCI 3.0 §6.1: a read of a non-existent
 * function's Vendor ID returns 0xFFFF as the master abort's data). Functions 1–7 of a device are
 * visible only when function 0 exists and sets Header Type bit 7 (multi-function). Each access runs
 * under the function's monitor.
 */
public final class PciRoot {
  /** Buses, devices per bus and functions per device. */
  public static final int BUSES = 256;

  public static final int DEVICES = 32;
  public static final int FUNCTIONS = 8;

  private final AtomicReferenceArray<PciDevice> functions =
      new AtomicReferenceArray<>(BUSES * DEVICES * FUNCTIONS);

  /**
   * Puts {@code function} at {@code bus:device.fn}.
   *
   * @throws IllegalArgumentException when the address is out of range or already taken
   */
  public synchronized void registerDevice(int bus, int device, int function, PciDevice pciDevice) {
    Objects.requireNonNull(pciDevice, "pciDevice");
    int slot = slot(bus, device, function);
    if (slot < 0) {
      throw new IllegalArgumentException("no PCI address " + bus + ":" + device + "." + function);
    }
    if (functions.get(slot) != null) {
      throw new IllegalArgumentException(
          String.format("PCI address %02x:%02x.%x is taken", bus, device, function));
    }
    functions.set(slot, pciDevice);
  }

  /** The function the guest sees at that address, or null when absent or hidden. */
  public PciDevice lookup(int bus, int device, int function) {
    int slot = slot(bus, device, function);
    if (slot < 0) {
      return null;
    }
    PciDevice found = functions.get(slot);
    if (found == null || function == 0) {
      return found;
    }
    PciDevice function0 = functions.get(slot - function);
    if (function0 == null) {
      return null;
    }
    int header;
    synchronized (function0) {
      header = function0.readConfig(PciConfigSpace.CACHE_LINE_SIZE);
    }
    return (header >>> 16 & PciConfigSpace.HEADER_TYPE_MULTI_FUNCTION) != 0 ? found : null;
  }

  /** Reads a dword of configuration space; all-ones when nothing answers. */
  public int readConfig(int bus, int device, int function, int register) {
    PciDevice target = lookup(bus, device, function);
    if (target == null) {
      return 0xFFFF_FFFF;
    }
    synchronized (target) {
      return target.readConfig(register & 0xFFC);
    }
  }

  /** Writes the lanes {@code byteMask} selects; dropped when nothing answers. */
  public void writeConfig(
      int bus, int device, int function, int register, int value, int byteMask) {
    PciDevice target = lookup(bus, device, function);
    if (target == null) {
      return;
    }
    synchronized (target) {
      target.writeConfig(register & 0xFFC, value, byteMask & 0xF);
    }
  }

  private static int slot(int bus, int device, int function) {
    if (bus < 0
        || bus >= BUSES
        || device < 0
        || device >= DEVICES
        || function < 0
        || function >= FUNCTIONS) {
      return -1;
    }
    return (bus * DEVICES + device) * FUNCTIONS + function;
  }
}
