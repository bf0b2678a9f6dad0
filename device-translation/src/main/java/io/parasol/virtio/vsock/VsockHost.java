package io.parasol.virtio.vsock;

import java.io.IOException;
import java.nio.channels.ByteChannel;

/**
 * The host side of an emulated vsock device: where a guest's connection to the host (CID 2) goes.
 * Host-initiated connections come the other way, through {@link VirtioVsock#connectToGuest}.
 */
@FunctionalInterface
public interface VsockHost {
  /**
   * Opens a channel to the host service on {@code port}, or fails (the guest sees a reset). The
   * channel is blocking; the device reads and writes it on its own threads.
   */
  ByteChannel connect(long port) throws IOException;
}
