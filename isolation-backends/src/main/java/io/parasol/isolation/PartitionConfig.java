package io.parasol.isolation;

/**
 * What a partition is made with.
 *
 * @param memorySizeBytes guest RAM in bytes, a multiple of 4 KiB; RAM above {@link
 *     #mmioHoleStart()} is placed above 4 GiB
 * @param vpCount number of vCPUs, at least one
 * @param mmioHoleStart where the MMIO hole below 4 GiB begins (RAM never sits in [hole, 4 GiB))
 * @param sharedMemory guest RAM in a file (a memfd) that a peer process can map, as vhost-user back
 *     ends need; otherwise private anonymous memory backed by transparent huge pages where the host
 *     allows them (QEMU's default too), which a nested or shadow-paged host maps with far fewer
 *     faults
 */
public record PartitionConfig(
    long memorySizeBytes, int vpCount, long mmioHoleStart, boolean sharedMemory) {
  /**
   * The conventional hole start: 2.75 GiB, as on QEMU's q35, leaving room below 4 GiB for the PCI
   * ECAM window (0xB0000000, 1 MiB per bus), PCI BARs, the IOAPIC, HPET and LAPIC.
   */
  public static final long DEFAULT_MMIO_HOLE_START = 0xB000_0000L;

  public static final long FOUR_GIB = 0x1_0000_0000L;

  public PartitionConfig {
    if (memorySizeBytes <= 0 || (memorySizeBytes & 0xFFF) != 0) {
      throw new IllegalArgumentException(
          "memory size must be a positive multiple of 4 KiB: " + memorySizeBytes);
    }
    if (vpCount < 1) {
      throw new IllegalArgumentException("a partition needs at least one vCPU: " + vpCount);
    }
    if (mmioHoleStart <= 0 || mmioHoleStart > FOUR_GIB || (mmioHoleStart & 0xFFFFF) != 0) {
      throw new IllegalArgumentException("MMIO hole start must be 1 MiB-aligned and below 4 GiB");
    }
  }

  public PartitionConfig(long memorySizeBytes, int vpCount, long mmioHoleStart) {
    this(memorySizeBytes, vpCount, mmioHoleStart, false);
  }

  public PartitionConfig(long memorySizeBytes, int vpCount) {
    this(memorySizeBytes, vpCount, DEFAULT_MMIO_HOLE_START);
  }

  /** This configuration with guest RAM in a memfd that peers can map. */
  public PartitionConfig withSharedMemory() {
    return new PartitionConfig(memorySizeBytes, vpCount, mmioHoleStart, true);
  }

  /** Bytes of RAM below the hole. */
  public long lowMemoryBytes() {
    return Math.min(memorySizeBytes, mmioHoleStart);
  }

  /** Bytes of RAM placed from 4 GiB up. */
  public long highMemoryBytes() {
    return memorySizeBytes - lowMemoryBytes();
  }
}
