package io.parasol.virtio.queue;

/**
 * Where the driver put one virtqueue, as it wrote the transport's queue registers.
 *
 * @param size the number of descriptors (split: a power of 2; both: 1..32768)
 * @param descGpa the descriptor area (split: descriptor table; packed: descriptor ring)
 * @param driverGpa the driver area (split: available ring; packed: driver event suppression)
 * @param deviceGpa the device area (split: used ring; packed: device event suppression)
 */
public record QueueLayout(int size, long descGpa, long driverGpa, long deviceGpa) {
  /** The largest queue size the spec allows (virtio v1.2 §2.6). */
  public static final int MAX_SIZE = 32768;
}
