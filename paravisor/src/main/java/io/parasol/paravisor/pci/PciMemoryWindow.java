package io.parasol.paravisor.pci;

import io.parasol.paravisor.acpi.AddressRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands out naturally aligned memory BAR addresses from the host bridge's memory windows (the ones
 * the DSDT's {@code PCI0._CRS} describes), as firmware does before the OS starts: lowest address
 * first, each BAR aligned to its size (PCI 3.0 §6.2.5.1).
 *
 * <p>Not thread-safe: the VM builder uses it once, while wiring.
 */
public final class PciMemoryWindow {
  private final List<AddressRange> windows;
  private final long[] next;

  /** A window made of {@code ranges} (in the order they are to be used). */
  public PciMemoryWindow(List<AddressRange> ranges) {
    this.windows = List.copyOf(ranges);
    this.next = new long[windows.size()];
    for (int i = 0; i < next.length; i++) {
      next[i] = windows.get(i).base();
    }
  }

  /**
   * The address of a new BAR of {@code sizeBytes} (a power of two).
   *
   * @throws IllegalStateException when no window has room left
   */
  public long allocate(long sizeBytes) {
    if (sizeBytes <= 0 || Long.bitCount(sizeBytes) != 1) {
      throw new IllegalArgumentException("BAR size " + sizeBytes);
    }
    for (int i = 0; i < next.length; i++) {
      long at = (next[i] + sizeBytes - 1) & -sizeBytes;
      if (at >= next[i] && at + sizeBytes <= windows.get(i).end()) {
        next[i] = at + sizeBytes;
        return at;
      }
    }
    throw new IllegalStateException(
        "the PCI memory windows " + describe() + " have no room for a BAR of " + sizeBytes);
  }

  private String describe() {
    List<String> parts = new ArrayList<>();
    for (AddressRange r : windows) {
      parts.add(String.format("0x%x-0x%x", r.base(), r.end() - 1));
    }
    return String.join(", ", parts);
  }
}
