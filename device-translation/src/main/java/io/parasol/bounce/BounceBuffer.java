package io.parasol.bounce;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The shared region of a confidential VM's I/O: its own memfd, mapped into Parasol and (through
 * {@link #fd}) into a host peer, never the guest's RAM. Host backends get buffers only from {@link
 * #pool}; Parasol copies request data between guest private memory and this region. A region may
 * start with a reserved area for structures Parasol shares with the peer (a vhost-user client's
 * ring and request headers).
 *
 * <p>DEVNOTE: on SNP/TDX the region must also be converted to shared in the guest page tables (the
 * isolation backend's job); on KVM it is ordinary memory that only the host peer maps.
 */
public final class BounceBuffer implements AutoCloseable {
  private final int fd;
  private final Arena arena;
  private final MemorySegment region;
  private final long reservedBytes;
  private final HostBufferPool pool;

  private BounceBuffer(int fd, Arena arena, MemorySegment region, long reservedBytes) {
    this.fd = fd;
    this.arena = arena;
    this.region = region;
    this.reservedBytes = reservedBytes;
    this.pool = new HostBufferPool(region.asSlice(reservedBytes), this::unmap);
  }

  /** A new region whose pool holds {@code sizeBytes} (rounded up to whole chunks). */
  public static BounceBuffer create(String name, long sizeBytes) throws ErrnoException {
    return create(name, sizeBytes, 0);
  }

  /**
   * A new region: {@code reservedBytes} (rounded up to a chunk) for structures shared with the
   * peer, then a pool of {@code poolBytes} (rounded up to whole chunks).
   */
  public static BounceBuffer create(String name, long poolBytes, long reservedBytes)
      throws ErrnoException {
    long chunk = HostBufferPool.CHUNK_BYTES;
    long chunks = Math.max(1, (poolBytes + chunk - 1) / chunk);
    long reserved = (reservedBytes + chunk - 1) / chunk * chunk;
    long size = reserved + chunks * chunk;
    int fd = LinuxCalls.memfdCreate("parasol-bounce-" + name);
    try {
      LinuxCalls.ftruncate(fd, size);
      Arena arena = Arena.ofShared();
      MemorySegment region = LinuxCalls.mmapShared(fd, size, arena);
      return new BounceBuffer(fd, arena, region, reserved);
    } catch (ErrnoException e) {
      LinuxCalls.close(fd);
      throw e;
    }
  }

  /** The memfd a host peer maps (vhost-user SET_MEM_TABLE); the guest's RAM fd never leaves. */
  public int fd() {
    return fd;
  }

  /** The whole region's size: the reserved area and the pool. */
  public long sizeBytes() {
    return region.byteSize();
  }

  /** The whole shared region: the reserved area, then the pool. */
  public MemorySegment region() {
    return region;
  }

  /** The reserved area at the start of the region (empty unless asked for). */
  public MemorySegment reserved() {
    return region.asSlice(0, reservedBytes);
  }

  /** Where {@code segment} starts in the region, or -1 if it is not wholly inside. */
  public long offsetOf(MemorySegment segment) {
    long at = segment.address() - region.address();
    return segment.isNative() && at >= 0 && at + segment.byteSize() <= region.byteSize() ? at : -1;
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
