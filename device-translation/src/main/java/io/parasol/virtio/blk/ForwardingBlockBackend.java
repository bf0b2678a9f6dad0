package io.parasol.virtio.blk;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A backend that hands every call to {@code inner}: subclass it to watch or bend some calls (tests
 * do; so could a backend that counts or throttles).
 */
public class ForwardingBlockBackend implements BlockBackend {
  protected final BlockBackend inner;

  public ForwardingBlockBackend(BlockBackend inner) {
    this.inner = inner;
  }

  @Override
  public long sizeBytes() {
    return inner.sizeBytes();
  }

  @Override
  public boolean isReadOnly() {
    return inner.isReadOnly();
  }

  @Override
  public boolean supportsDiscard() {
    return inner.supportsDiscard();
  }

  @Override
  public boolean supportsWriteZeroes() {
    return inner.supportsWriteZeroes();
  }

  @Override
  public CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
    return inner.read(offset, dst);
  }

  @Override
  public CompletableFuture<Long> write(long offset, List<MemorySegment> src) {
    return inner.write(offset, src);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return inner.flush();
  }

  @Override
  public CompletableFuture<Void> discard(long offset, long length) {
    return inner.discard(offset, length);
  }

  @Override
  public CompletableFuture<Void> writeZeroes(long offset, long length, boolean unmap) {
    return inner.writeZeroes(offset, length, unmap);
  }

  @Override
  public void close() {
    inner.close();
  }
}
