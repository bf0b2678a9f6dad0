/**
 * vhost-user (QEMU's docs/interop/vhost-user.rst), back-end side: {@link
 * io.parasol.backend.vhostuser.VhostUserBackendServer} serves any {@link
 * io.parasol.virtio.device.VirtioDevice} to a vhost-user front end (QEMU's vhost-user-blk-pci,
 * Cloud Hypervisor) over a Unix socket, mapping the front end's memory regions and running the
 * rings it hands over. Every message is checked; a bad one closes the connection. Not here: the
 * front-end (client) side.
 */
package io.parasol.backend.vhostuser;
