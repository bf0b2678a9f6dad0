package io.parasol.virtio.queue;

import java.util.List;

/**
 * One available buffer, checked: its device-readable pieces, then its device-writable pieces
 * (virtio v1.2 §2.7.4: writable descriptors follow readable ones). Zero-length descriptors are
 * dropped. The chain is a private copy; nothing in it changes when guest memory does.
 *
 * @param id what the device hands back in the used ring (split: head index; packed: buffer ID)
 * @param ringSlots descriptor-ring slots the chain took (packed: how far the used index moves)
 * @param readable the device-readable buffers in order
 * @param writable the device-writable buffers in order
 * @param readableBytes the total length of {@code readable}
 * @param writableBytes the total length of {@code writable}
 */
public record DescriptorChain(
    int id,
    int ringSlots,
    List<Buffer> readable,
    List<Buffer> writable,
    long readableBytes,
    long writableBytes) {
  public DescriptorChain {
    // A ring's own chains come with lists nobody else can change; any other list is copied.
    readable = readable instanceof ChainBuilder.Frozen ? readable : List.copyOf(readable);
    writable = writable instanceof ChainBuilder.Frozen ? writable : List.copyOf(writable);
  }
}
