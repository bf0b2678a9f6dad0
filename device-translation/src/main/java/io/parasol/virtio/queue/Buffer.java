package io.parasol.virtio.queue;

/**
 * One checked piece of a descriptor chain: {@code length} bytes of guest RAM at {@code gpa}.
 * Checked means the whole range was guest RAM when the chain was read; a device still reaches it
 * only through {@link io.parasol.machine.memory.GuestMemory}, which checks again.
 */
public record Buffer(long gpa, int length) {
  public Buffer {
    if (length <= 0) {
      throw new IllegalArgumentException("buffer length " + length);
    }
  }
}
