package io.parasol.virtio.blk;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Host storage behind a virtio-blk device. Operations are asynchronous: several may be in flight
 * and complete in any order, on the backend's threads. Data buffers are native segments from the
 * device's {@link io.parasol.bounce.HostBufferPool} (in confidential mode, the shared bounce
 * region): a backend never sees guest memory. The device checks every count a backend returns.
 * Failures complete the future exceptionally with an {@link java.io.IOException} that names the
 * operation.
 */
public interface BlockBackend extends AutoCloseable {
  /** The disk size in bytes. */
  long sizeBytes();

  /** Whether writes are refused. */
  boolean isReadOnly();

  /** Whether {@link #discard} frees space (otherwise the device does not offer DISCARD). */
  boolean supportsDiscard();

  /** Whether {@link #writeZeroes} is supported (otherwise the device does not offer it). */
  boolean supportsWriteZeroes();

  /** Reads from {@code offset} into {@code dst} in order; completes with the bytes read. */
  CompletableFuture<Long> read(long offset, List<MemorySegment> dst);

  /** Writes {@code src} in order at {@code offset}; completes with the bytes written. */
  CompletableFuture<Long> write(long offset, List<MemorySegment> src);

  /** Makes completed writes durable. */
  CompletableFuture<Void> flush();

  /** Tells the storage that {@code [offset, offset+length)} is no longer needed. */
  CompletableFuture<Void> discard(long offset, long length);

  /** Zeroes {@code [offset, offset+length)}; {@code unmap} allows freeing the space too. */
  CompletableFuture<Void> writeZeroes(long offset, long length, boolean unmap);

  /** Waits for in-flight operations and releases the storage. */
  @Override
  void close();
}
