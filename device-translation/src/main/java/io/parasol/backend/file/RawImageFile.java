package io.parasol.backend.file;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.virtio.blk.BlockBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A raw disk image: preadv/pwritev straight between the file and the request's native buffers (one
 * call for a whole scatter list), on a small pool of platform threads so several requests are in
 * flight (the page cache and the disk queue do the rest), or, opened with no threads, on the
 * caller's thread: the device's I/O thread then does the call itself and completes the request
 * before it returns, which saves two thread hand-offs per request.
 *
 * <p>Like QEMU's {@code cache=none}, reads and writes whose memory, length and offset are all
 * aligned to {@link #DIRECT_ALIGN} go through a second descriptor opened with {@code O_DIRECT}, so
 * the host's page cache holds no second copy of the guest's disk and no writeback thread copies it
 * again; anything unaligned, and every file on a file system that refuses {@code O_DIRECT} (tmpfs),
 * goes through the page cache. The kernel keeps the two views coherent (a direct write drops the
 * cached pages, a direct read writes dirty ones back first). Discard punches holes; write-zeroes
 * uses FALLOC_FL_ZERO_RANGE (or punches a hole when unmapping is allowed) and falls back to writing
 * zeros where the file system has neither.
 *
 * <p>DEVNOTE: io_uring through FFM would save the thread hand-off per request; the thread pool
 * keeps up with virtio-blk queue depths seen here, so it waits for a benchmark that says otherwise.
 */
public final class RawImageFile implements BlockBackend {
  private static final int ZERO_BYTES = 64 * 1024;

  private final Path path;

  /** Alignment of memory, length and offset for the O_DIRECT descriptor (a logical sector). */
  public static final int DIRECT_ALIGN = 512;

  private final int fd;
  private final int directFd; // -1: none
  private final long sizeBytes;
  private final boolean readOnly;
  private final ExecutorService io; // null: the caller's thread
  private final long inlineBelowBytes; // reads and writes this small stay on the caller's thread
  private final Arena zeroArena = Arena.ofShared();
  private volatile boolean closed;
  private final MemorySegment zeros = zeroArena.allocate(ZERO_BYTES, 4096);

  private RawImageFile(
      Path path,
      int fd,
      int directFd,
      long sizeBytes,
      boolean readOnly,
      int threads,
      long inlineBelowBytes) {
    this.path = path;
    this.inlineBelowBytes = inlineBelowBytes;
    this.fd = fd;
    this.directFd = directFd;
    this.sizeBytes = sizeBytes;
    this.readOnly = readOnly;
    this.io =
        threads == 0
            ? null
            : Executors.newFixedThreadPool(
                threads, Thread.ofPlatform().daemon().name("parasol-raw-image-", 0).factory());
  }

  /**
   * Opens {@code path} for I/O on {@code threads} threads (0: on the caller's thread).
   *
   * @throws IOException naming the file and errno if it cannot be opened
   */
  public static RawImageFile open(Path path, boolean readOnly, int threads) throws IOException {
    return open(path, readOnly, threads, 0);
  }

  /**
   * As {@link #open(Path, boolean, int)}, but reads and writes of fewer than {@code
   * inlineBelowBytes} run on the caller's thread even where there are threads: a small request
   * costs less than the two hand-offs, and only large ones gain from running side by side (where
   * each is followed by a copy of its data, as in confidential mode).
   */
  public static RawImageFile open(Path path, boolean readOnly, int threads, long inlineBelowBytes)
      throws IOException {
    if (threads < 0 || inlineBelowBytes < 0) {
      throw new IllegalArgumentException(
          "threads " + threads + ", inline below " + inlineBelowBytes);
    }
    int mode = readOnly ? LinuxCalls.O_RDONLY : LinuxCalls.O_RDWR;
    int fd = LinuxCalls.open(path.toString(), mode);
    int directFd = -1;
    try {
      long size = LinuxCalls.size(fd);
      try {
        directFd = LinuxCalls.open(path.toString(), mode | LinuxCalls.O_DIRECT);
      } catch (ErrnoException e) {
        directFd = -1; // EINVAL: the file system has no direct I/O; the page cache it is
      }
      return new RawImageFile(path, fd, directFd, size, readOnly, threads, inlineBelowBytes);
    } catch (ErrnoException e) {
      LinuxCalls.close(fd);
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /** Whether aligned requests bypass the page cache (the file system allows O_DIRECT). */
  public boolean hasDirectIo() {
    return directFd >= 0;
  }

  /** The O_DIRECT descriptor if it can take this request, else the page-cache one. */
  private int fdFor(long offset, List<MemorySegment> pieces) {
    if (directFd < 0 || offset % DIRECT_ALIGN != 0) {
      return fd;
    }
    for (MemorySegment s : pieces) {
      if (s.address() % DIRECT_ALIGN != 0 || s.byteSize() % DIRECT_ALIGN != 0) {
        return fd;
      }
    }
    return directFd;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  @Override
  public boolean supportsDiscard() {
    return true;
  }

  @Override
  public boolean supportsWriteZeroes() {
    return true;
  }

  @FunctionalInterface
  private interface Io<T> {
    T run() throws IOException;
  }

  private <T> CompletableFuture<T> submit(Io<T> op) {
    return submit(Long.MAX_VALUE, op);
  }

  /** Runs {@code op}, which moves {@code bytes}, on a thread of the pool or on the caller's. */
  private <T> CompletableFuture<T> submit(long bytes, Io<T> op) {
    if (io == null || bytes < inlineBelowBytes) {
      if (closed) {
        return CompletableFuture.failedFuture(new IOException(path + " is closed"));
      }
      try {
        return CompletableFuture.completedFuture(op.run());
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      io.execute(
          () -> {
            try {
              result.complete(op.run());
            } catch (IOException | RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IOException(path + " is closed"));
    }
    return result;
  }

  @Override
  public CompletableFuture<Long> read(long offset, List<MemorySegment> dst) {
    long total = totalBytes(dst);
    return submit(
        total,
        () -> {
          long done = 0;
          int via = fdFor(offset, dst);
          while (done < total) {
            long n;
            try {
              n = LinuxCalls.preadv(via, from(dst, done), offset + done);
            } catch (ErrnoException e) {
              if (via == fd || e.errno() != LinuxCalls.EINVAL) {
                throw e;
              }
              via = fd; // the device wants a stricter alignment: the page cache takes it
              continue;
            }
            if (n == 0) {
              break; // end of file: the device sees the short count
            }
            done += n;
            if (done % DIRECT_ALIGN != 0) {
              via = fd; // a short direct read leaves the rest unaligned
            }
          }
          return done;
        });
  }

  @Override
  public CompletableFuture<Long> write(long offset, List<MemorySegment> src) {
    if (readOnly) {
      return CompletableFuture.failedFuture(new IOException(path + " is read-only"));
    }
    long total = totalBytes(src);
    return submit(
        total,
        () -> {
          long done = 0;
          int via = fdFor(offset, src);
          while (done < total) {
            try {
              done += LinuxCalls.pwritev(via, from(src, done), offset + done);
            } catch (ErrnoException e) {
              if (via == fd || e.errno() != LinuxCalls.EINVAL) {
                throw e;
              }
              via = fd;
              continue;
            }
            if (done % DIRECT_ALIGN != 0) {
              via = fd;
            }
          }
          return done;
        });
  }

  private static long totalBytes(List<MemorySegment> pieces) {
    long total = 0;
    for (MemorySegment s : pieces) {
      total += s.byteSize();
    }
    return total;
  }

  /**
   * The pieces after the first {@code skip} bytes, at most {@link LinuxCalls#IOV_MAX} of them (the
   * list itself in the common case: nothing done yet and few enough pieces).
   */
  private static List<MemorySegment> from(List<MemorySegment> pieces, long skip) {
    if (skip == 0 && pieces.size() <= LinuxCalls.IOV_MAX) {
      return pieces;
    }
    List<MemorySegment> rest = new ArrayList<>();
    long at = 0;
    for (MemorySegment s : pieces) {
      if (rest.size() == LinuxCalls.IOV_MAX) {
        break;
      }
      long end = at + s.byteSize();
      if (end > skip) {
        rest.add(skip > at ? s.asSlice(skip - at) : s);
      }
      at = end;
    }
    return rest;
  }

  @Override
  public CompletableFuture<Void> flush() {
    return submit(
        () -> {
          LinuxCalls.fdatasync(fd);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> discard(long offset, long length) {
    if (readOnly) {
      return CompletableFuture.failedFuture(new IOException(path + " is read-only"));
    }
    return submit(
        () -> {
          try {
            LinuxCalls.fallocate(
                fd,
                LinuxCalls.FALLOC_FL_PUNCH_HOLE | LinuxCalls.FALLOC_FL_KEEP_SIZE,
                offset,
                length);
          } catch (ErrnoException e) {
            if (e.errno() != LinuxCalls.EOPNOTSUPP) {
              throw e;
            }
            // Discard is a hint (§5.2.6.2): a file system without holes keeps the data.
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> writeZeroes(long offset, long length, boolean unmap) {
    if (readOnly) {
      return CompletableFuture.failedFuture(new IOException(path + " is read-only"));
    }
    return submit(
        () -> {
          int mode =
              unmap
                  ? LinuxCalls.FALLOC_FL_PUNCH_HOLE | LinuxCalls.FALLOC_FL_KEEP_SIZE
                  : LinuxCalls.FALLOC_FL_ZERO_RANGE | LinuxCalls.FALLOC_FL_KEEP_SIZE;
          try {
            LinuxCalls.fallocate(fd, mode, offset, length);
            return null;
          } catch (ErrnoException e) {
            if (e.errno() != LinuxCalls.EOPNOTSUPP) {
              throw e;
            }
          }
          for (long done = 0; done < length; ) {
            long n = Math.min(ZERO_BYTES, length - done);
            done += LinuxCalls.pwrite(fd, zeros.asSlice(0, n), offset + done);
          }
          return null;
        });
  }

  @Override
  public void close() {
    closed = true;
    if (io != null) {
      io.shutdown();
      try {
        if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
          io.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LinuxCalls.close(fd);
    if (directFd >= 0) {
      LinuxCalls.close(directFd);
    }
    zeroArena.close();
  }
}
