/**
 * virtio-blk (virtio v1.2 §5.2): the device model and the {@link
 * io.parasol.virtio.blk.BlockBackend} contract its host storage implements (a raw image file, a
 * vhost-user block server). Not here: transports, or any particular storage.
 */
package io.parasol.virtio.blk;
