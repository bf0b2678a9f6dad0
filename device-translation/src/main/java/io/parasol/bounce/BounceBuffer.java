package io.parasol.bounce;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The shared region of a confidential VM's I/O: its own memfd, mapped into Parasol and (through
 * {@link #fd}) into a host peer, never the guest's RAM. Host backends get buffers only from {@link
 * #pool}; Parasol copies request data between guest private memory and this region.
 *
 * <p>DEVNOTE: on SNP/TDX the region must also be converted to shared in the guest page tables (the
 * isolation backend's job); on KVM it is ordinary memory that only the host peer maps.
 */
public final class BounceBuffer implements AutoCloseable {
  private final int fd;
  private final Arena arena;
  private final MemorySegment region;
  private final HostBufferPool pool;

  private BounceBuffer(int fd, Arena arena, MemorySegment region) {
    this.fd = fd;
    this.arena = arena;
    this.region = region;
    this.pool = new HostBufferPool(region, this::unmap);
  }

  /** A new region of {@code sizeBytes} (rounded up to whole pool chunks). */
  public static BounceBuffer create(String name, long sizeBytes) throws ErrnoException {
    long chunks =
        Math.max(1, (sizeBytes + HostBufferPool.CHUNK_BYTES - 1) / HostBufferPool.CHUNK_BYTES);
    long size = chunks * HostBufferPool.CHUNK_BYTES;
    int fd = LinuxCalls.memfdCreate("parasol-bounce-" + name);
    try {
      LinuxCalls.ftruncate(fd, size);
      Arena arena = Arena.ofShared();
      MemorySegment region = LinuxCalls.mmapShared(fd, size, arena);
      return new BounceBuffer(fd, arena, region);
    } catch (ErrnoException e) {
      LinuxCalls.close(fd);
      throw e;
    }
  }

  /** The memfd a host peer maps (vhost-user SET_MEM_TABLE); the guest's RAM fd never leaves. */
  public int fd() {
    return fd;
  }

  public long sizeBytes() {
    return region.byteSize();
  }

  /** Buffers host backends may see. */
  public HostBufferPool pool() {
    return pool;
  }

  private void unmap() throws ErrnoException {
    long address = region.address();
    long size = region.byteSize();
    arena.close(); // no Java code can reach the mapping from here on
    LinuxCalls.munmap(address, size);
    LinuxCalls.close(fd);
  }

  @Override
  public void close() {
    pool.close();
  }
}
