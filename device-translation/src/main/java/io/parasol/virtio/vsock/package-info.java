/**
 * virtio-vsock (virtio v1.2 §5.10), emulated in Parasol: stream sockets between the guest and host
 * endpoints reached through a {@link io.parasol.virtio.vsock.VsockHost}, with the spec's
 * credit-based flow control. Not here: datagrams, seqpacket, or how host endpoints are found.
 */
package io.parasol.virtio.vsock;
