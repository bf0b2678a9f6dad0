package io.parasol.backend.vhostuser;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.machine.memory.MemoryRange;
import io.parasol.machine.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The front end's memory as SET_MEM_TABLE described it: each region's descriptor mapped shared, as
 * guest-physical ranges for the device and as front-end virtual addresses for the rings.
 */
final class VhostUserMemoryTable implements AutoCloseable {
  /** One region: where it is for the guest and for the front end, and our mapping. */
  record Region(long gpa, long sizeBytes, long userAddr, long mmapOffset, MemorySegment mapping) {}

  private final Arena arena = Arena.ofShared();
  private final List<Region> regions = new ArrayList<>();
  private final List<long[]> mappings = new ArrayList<>(); // {address, length} to unmap
  private final SegmentGuestMemory memory;

  /**
   * Maps {@code fds[i]} for region {@code i} of {@code table} ({gpa, size, userAddr, mmapOffset}).
   * Closes the descriptors whatever happens.
   *
   * @throws IllegalArgumentException for a table that cannot be right (overlaps, wraps, empty)
   */
  VhostUserMemoryTable(long[][] table, int[] fds) throws ErrnoException {
    try {
      List<MemoryRange> ranges = new ArrayList<>();
      for (int i = 0; i < table.length; i++) {
        long gpa = table[i][0];
        long size = table[i][1];
        long userAddr = table[i][2];
        long offset = table[i][3];
        if (size <= 0
            || offset < 0
            || gpa < 0
            || gpa + size < gpa
            || userAddr + size < userAddr
            || offset + size < 0
            || (offset & 4095) != 0) {
          throw new IllegalArgumentException("memory region " + i + " is malformed");
        }
        MemorySegment whole = LinuxCalls.mmapShared(fds[i], size, offset, arena);
        mappings.add(new long[] {whole.address(), size});
        regions.add(new Region(gpa, size, userAddr, offset, whole));
        ranges.add(new MemoryRange(gpa, whole, true));
      }
      this.memory = new SegmentGuestMemory(ranges);
    } catch (ErrnoException | RuntimeException e) {
      close();
      throw e;
    } finally {
      for (int fd : fds) {
        LinuxCalls.close(fd);
      }
    }
  }

  SegmentGuestMemory memory() {
    return memory;
  }

  /** The guest-physical address of front-end virtual address {@code va}, or -1. */
  long gpaOf(long va, long length) {
    for (Region r : regions) {
      if (va >= r.userAddr()
          && length <= r.sizeBytes()
          && va - r.userAddr() <= r.sizeBytes() - length) {
        return r.gpa() + (va - r.userAddr());
      }
    }
    return -1;
  }

  /** Whether {@code segment} lies inside one of the mappings (tests: what the peer shared). */
  boolean contains(MemorySegment segment) {
    for (Region r : regions) {
      long start = r.mapping().address();
      if (segment.address() >= start
          && segment.address() + segment.byteSize() <= start + r.sizeBytes()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
    for (long[] m : mappings) {
      try {
        LinuxCalls.munmap(m[0], m[1]);
      } catch (ErrnoException e) {
        // the mapping is gone either way
      }
    }
    mappings.clear();
  }
}
