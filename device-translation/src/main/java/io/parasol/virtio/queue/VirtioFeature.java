package io.parasol.virtio.queue;

/**
 * Feature bit numbers that are not device-specific (virtio v1.2 §6 "Reserved Feature Bits"). A
 * feature word is a {@code long}; {@link #bit} turns a number into its mask.
 */
public final class VirtioFeature {
  /** Descriptors may point at a table of descriptors (§2.7.5.3). */
  public static final int RING_INDIRECT_DESC = 28;

  /** used_event / avail_event fields suppress notifications and interrupts (§2.7.7, §2.7.10). */
  public static final int EVENT_IDX = 29;

  /** Compliance with virtio 1.0 or later; a modern device refuses drivers that do not set it. */
  public static final int VERSION_1 = 32;

  /** The device reaches memory through the platform's IOMMU or protection (CVMs). */
  public static final int ACCESS_PLATFORM = 33;

  /** Packed virtqueues (§2.8). */
  public static final int RING_PACKED = 34;

  private VirtioFeature() {}

  /** The mask of feature {@code number}. */
  public static long bit(int number) {
    if (number < 0 || number > 63) {
      throw new IllegalArgumentException("feature bit " + number);
    }
    return 1L << number;
  }

  /** Whether {@code features} has feature {@code number}. */
  public static boolean has(long features, int number) {
    return (features & bit(number)) != 0;
  }
}
