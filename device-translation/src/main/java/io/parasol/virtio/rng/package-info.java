/** virtio-rng, the entropy device (virtio v1.2 §5.4). Not here: where the entropy comes from. */
package io.parasol.virtio.rng;
