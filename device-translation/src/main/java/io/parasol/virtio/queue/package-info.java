/**
 * Virtqueues as the device sees them (virtio v1.2 §2.7 split, §2.8 packed): descriptor chains read
 * once from guest memory into a private copy and checked (addresses, lengths, loops, chain length)
 * before a device uses them, used-buffer publication, and notification and interrupt suppression
 * ({@code VIRTIO_F_EVENT_IDX}). Not here: device models, transports, or what the buffers mean.
 */
package io.parasol.virtio.queue;
