/**
 * virtio-console (virtio v1.2 §5.3), single port: guest output to a host stream, host input into
 * the guest's receive buffers. Not here: multiport, or where the host side of the stream goes.
 */
package io.parasol.virtio.console;
