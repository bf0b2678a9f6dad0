/**
 * virtio-net (virtio v1.2 §5.1): the device model, the virtio-net header and its checks, and the
 * {@link io.parasol.virtio.net.NetBackend} contract a host network backend (TAP) implements. Not
 * here: multiqueue, the control queue, or any particular backend.
 */
package io.parasol.virtio.net;
