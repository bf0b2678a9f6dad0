package io.parasol.paravisor.boot;

import io.parasol.isolation.PartitionConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the BIOS E820 memory map as the Linux zero page carries it (boot.rst, {@code
 * e820_table}): 8-byte address, 8-byte size, 4-byte type.
 */
public record E820Entry(long address, long size, int type) {
  /** Usable RAM. */
  public static final int RAM = 1;

  /** Reserved: firmware areas, MMIO windows the OS must not use as RAM. */
  public static final int RESERVED = 2;

  /** Bytes one entry takes in the zero page. */
  public static final int BYTES = 20;

  /** Top of conventional memory: the EBDA starts here. */
  public static final long EBDA_START = 0x9_FC00;

  /** Start of extended memory; [EBDA_START, here) holds the EBDA, VGA hole and BIOS area. */
  public static final long EXTENDED_MEMORY_START = 0x10_0000;

  public E820Entry {
    if (size <= 0) {
      throw new IllegalArgumentException("an E820 entry needs a positive size: " + size);
    }
  }

  /** The address one past the last byte. */
  public long end() {
    return address + size;
  }

  /**
   * The map for a partition shaped by {@code config} on a machine whose PCI ECAM window is {@code
   * [ecamBase, ecamBase + ecamSize)} below the MMIO hole: conventional memory below the EBDA, the
   * EBDA and BIOS area (where the ACPI tables live) reserved, extended memory up to the lower of
   * the end of low RAM and the ECAM window, the ECAM window reserved, and RAM above 4 GiB. Low RAM
   * that the ECAM window shadows is left out of the map.
   */
  public static List<E820Entry> forPartition(PartitionConfig config, long ecamBase, long ecamSize) {
    List<E820Entry> map = new ArrayList<>();
    long lowEnd = Math.min(config.lowMemoryBytes(), ecamBase);
    map.add(new E820Entry(0, Math.min(EBDA_START, lowEnd), RAM));
    map.add(new E820Entry(EBDA_START, EXTENDED_MEMORY_START - EBDA_START, RESERVED));
    if (lowEnd > EXTENDED_MEMORY_START) {
      map.add(new E820Entry(EXTENDED_MEMORY_START, lowEnd - EXTENDED_MEMORY_START, RAM));
    }
    map.add(new E820Entry(ecamBase, ecamSize, RESERVED));
    if (config.highMemoryBytes() > 0) {
      map.add(new E820Entry(PartitionConfig.FOUR_GIB, config.highMemoryBytes(), RAM));
    }
    return List.copyOf(map);
  }
}
