package io.parasol.backend.file;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.virtio.blk.BlockBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A raw disk image: pread/pwrite straight between the file and the request's native buffers, on a
 * small pool of platform threads so several requests are in flight (the page cache and the disk
 * queue do the rest). Discard punches holes; write-zeroes uses FALLOC_FL_ZERO_RANGE (or punches a
 * hole when unmapping is allowed) and falls back to writing zeros where the file system has
 * neither.
 *
 * <p>DEVNOTE: io_uring through FFM would save the thread hand-off per request; the thread pool
 * keeps up with virtio-blk queue depths seen here, so it waits for a benchmark that says otherwise.
 */
public final class RawImageFile implements BlockBackend {
  private static final int ZERO_BYTES = 64 * 1024;

  private final Path path;
  private final int fd;
  private final long sizeBytes;
  private final boolean readOnly;
  private final ExecutorService io;
  private final Arena zeroArena = Arena.ofShared();
  private final MemorySegment zeros = zeroArena.allocate(ZERO_BYTES, 4096);

  private RawImageFile(Path path, int fd, long sizeBytes, boolean readOnly, int threads) {
    this.path = path;
    this.fd = fd;
    this.sizeBytes = sizeBytes;
    this.readOnly = readOnly;
    this.io =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().daemon().name("parasol-raw-image-", 0).factory());
  }

  /**
   * Opens {@code path} for I/O on {@code threads} threads.
   *
   * @throws IOException naming the file and errno if it cannot be opened
   */
  public static RawImageFile open(Path path, boolean readOnly, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads " + threads);
    }
    int fd = LinuxCalls.open(path.toString(), readOnly ? LinuxCalls.O_RDONLY : LinuxCalls.O_RDWR);
    try {
      long size = LinuxCalls.size(fd);
      return new RawImageFile(path, fd, size, readOnly, threads);
    } catch (ErrnoException e) {
      LinuxCalls.close(fd);
      throw e;
    }
  }

  public Path path() {
    return path;
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
    return submit(
        () -> {
          long done = 0;
          for (MemorySegment s : dst) {
            long got = 0;
            while (got < s.byteSize()) {
              long n = LinuxCalls.pread(fd, s.asSlice(got), offset + done + got);
              if (n == 0) {
                return done + got; // end of file: the device sees the short count
              }
              got += n;
            }
            done += got;
          }
          return done;
        });
  }

  @Override
  public CompletableFuture<Long> write(long offset, List<MemorySegment> src) {
    if (readOnly) {
      return CompletableFuture.failedFuture(new IOException(path + " is read-only"));
    }
    return submit(
        () -> {
          long done = 0;
          for (MemorySegment s : src) {
            long put = 0;
            while (put < s.byteSize()) {
              put += LinuxCalls.pwrite(fd, s.asSlice(put), offset + done + put);
            }
            done += put;
          }
          return done;
        });
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
    io.shutdown();
    try {
      if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LinuxCalls.close(fd);
    zeroArena.close();
  }
}
