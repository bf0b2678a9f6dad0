/**
 * The memory host backends are allowed to see. {@link io.parasol.bounce.HostBufferPool} hands out
 * request buffers; over a {@link io.parasol.bounce.BounceBuffer} (its own shared memfd,
 * confidential mode) the host peer gets that region and nothing else, and Parasol copies between it
 * and the guest's private memory, checking every length the host reports. Without confidentiality
 * the same pool sits on private process memory. Not here: what the data means (devices) or how it
 * reaches the host (backends).
 */
package io.parasol.bounce;
