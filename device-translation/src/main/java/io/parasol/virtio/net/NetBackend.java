package io.parasol.virtio.net;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A host network interface carrying frames prefixed by a {@link NetHeader} (the virtio-net header
 * layout, which Linux TAP's IFF_VNET_HDR shares). Buffers are native segments from the device's
 * {@link io.parasol.bounce.HostBufferPool}; a backend never sees guest memory.
 */
public interface NetBackend extends AutoCloseable {
  /** TUN_F_CSUM: frames may carry partial checksums. */
  int OFFLOAD_CSUM = 1;

  /** TUN_F_TSO4. */
  int OFFLOAD_TSO4 = 2;

  /** TUN_F_TSO6. */
  int OFFLOAD_TSO6 = 4;

  /**
   * The {@code OFFLOAD_*} bits the backend can take from the guest (partial checksums, TCP
   * segmentation) and can hand to it; the device offers only these.
   */
  int supportedOffloads();

  /** Tells the backend which offloads the guest accepts on receive (TUNSETOFFLOAD). */
  void setReceiveOffloads(int offloads) throws IOException;

  /** Sends one header-prefixed frame. */
  void send(MemorySegment headerAndFrame) throws IOException;

  /**
   * Receives one header-prefixed frame into {@code dst}, waiting at most {@code timeoutMillis};
   * returns its length, or 0 if none came.
   */
  int receive(MemorySegment dst, int timeoutMillis) throws IOException;

  @Override
  void close();
}
