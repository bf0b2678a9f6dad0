/**
 * Block storage in a raw image file on the host: {@link io.parasol.backend.file.RawImageFile}, a
 * {@link io.parasol.virtio.blk.BlockBackend} doing positional I/O on its own threads. Not here:
 * image formats with metadata (qcow2), or remote storage.
 */
package io.parasol.backend.file;
