package io.parasol.machine.io;

/**
 * What a device says about one access. Anything but {@link #OK} is the guest's fault: the bus logs
 * it at a limited rate, counts it, drops a write and returns all-ones for a read. A device never
 * throws for a guest's access.
 */
public enum IoStatus {
  OK,
  /** No register at that offset. */
  INVALID_REGISTER,
  /** The register exists, but not at that width. */
  INVALID_ACCESS_SIZE,
  /** The access straddles registers or is not naturally aligned where the device requires it. */
  UNALIGNED_ACCESS
}
