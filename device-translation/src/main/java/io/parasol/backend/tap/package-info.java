/**
 * A Linux TAP interface as a {@link io.parasol.virtio.net.NetBackend}: frames with the virtio-net
 * header (IFF_VNET_HDR) through /dev/net/tun. Not here: bridging, addresses or namespaces (the
 * host's configuration).
 */
package io.parasol.backend.tap;
