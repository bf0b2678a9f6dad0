package io.parasol.backend.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * libc downcalls for host I/O. Every call captures {@code errno} with {@link
 * Linker.Option#captureCallState} into a segment of a confined arena owned by that call; no errno
 * lives in shared state. Calls may block (pread on a slow disk), so callers make them from their
 * own platform threads, never a vCPU thread.
 */
public final class LinuxCalls {
  public static final int O_RDONLY = 0;
  public static final int O_RDWR = 2;
  public static final int O_CLOEXEC = 0x80000;

  /** x86-64: I/O straight between user memory and the device, bypassing the page cache. */
  public static final int O_DIRECT = 0x4000;

  public static final int EINVAL = 22;
  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;
  public static final int MFD_CLOEXEC = 1;
  public static final int FALLOC_FL_KEEP_SIZE = 1;
  public static final int FALLOC_FL_PUNCH_HOLE = 2;
  public static final int FALLOC_FL_ZERO_RANGE = 0x10;
  public static final int EINTR = 4;
  public static final int EOPNOTSUPP = 95;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final long ERRNO_OFFSET =
      CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

  // x86-64 system call numbers (the kernel's arch/x86/entry/syscalls/syscall_64.tbl).
  private static final long SYS_READ = 0;
  private static final long SYS_WRITE = 1;
  private static final long SYS_OPEN = 2;
  private static final long SYS_CLOSE = 3;
  private static final long SYS_POLL = 7;
  private static final long SYS_LSEEK = 8;
  private static final long SYS_MMAP = 9;
  private static final long SYS_MUNMAP = 11;
  private static final long SYS_IOCTL = 16;
  private static final long SYS_PREAD64 = 17;
  private static final long SYS_PWRITE64 = 18;
  private static final long SYS_PREADV = 295;
  private static final long SYS_PWRITEV = 296;
  private static final long SYS_SOCKET = 41;
  private static final long SYS_CONNECT = 42;
  private static final long SYS_SENDMSG = 46;
  private static final long SYS_RECVMSG = 47;
  private static final long SYS_SHUTDOWN = 48;
  private static final long SYS_BIND = 49;
  private static final long SYS_LISTEN = 50;
  private static final long SYS_FDATASYNC = 75;
  private static final long SYS_FTRUNCATE = 77;
  private static final long SYS_FALLOCATE = 285;
  private static final long SYS_ACCEPT4 = 288;
  private static final long SYS_EVENTFD2 = 290;
  private static final long SYS_MEMFD_CREATE = 319;

  /**
   * {@code long syscall(long number, ...)} with six variadic {@code long} arguments (the kernel
   * ignores those a call does not take) and {@code errno} captured into the leading segment. Every
   * call here goes through this one downcall: each distinct FFM function shape costs the JVM a
   * generated stub and its method-handle adapters when first linked (about 10 ms on a fast host, up
   * to a second where the CPU is emulated), and {@code parasol run} would pay that at start-up for
   * every shape. Pointers travel as addresses of segments that stay alive for the call.
   */
  private static final MethodHandle SYSCALL =
      LINKER.downcallHandle(
          LINKER
              .defaultLookup()
              .find("syscall")
              .orElseThrow(() -> new IllegalStateException("libc has no syscall")),
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
              JAVA_LONG),
          Linker.Option.captureCallState("errno"),
          Linker.Option.firstVariadicArg(1));

  /** strerrorname_np (glibc 2.32+), linked on first use; null where libc lacks it. */
  private static final class ErrnoNames {
    static final MethodHandle STRERRORNAME_NP =
        LINKER
            .defaultLookup()
            .find("strerrorname_np")
            .map(f -> LINKER.downcallHandle(f, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
            .orElse(null);
  }

  private LinuxCalls() {}

  /** One system call; returns its result, or -1 with the errno in {@code capture}. */
  private static long syscall(
      MemorySegment capture, long number, long a1, long a2, long a3, long a4, long a5, long a6)
      throws Throwable {
    return (long) SYSCALL.invokeExact(capture, number, a1, a2, a3, a4, a5, a6);
  }

  /** {@link #syscall} with fewer arguments: the rest are zero. */
  private static long syscall(MemorySegment capture, long number, long a1, long a2, long a3)
      throws Throwable {
    return syscall(capture, number, a1, a2, a3, 0, 0, 0);
  }

  /** The symbolic name of {@code errno} ({@code EIO}), or {@code errno N} if libc has none. */
  static String errnoName(int errno) {
    if (ErrnoNames.STRERRORNAME_NP == null) {
      return "errno " + errno;
    }
    try {
      MemorySegment name = (MemorySegment) ErrnoNames.STRERRORNAME_NP.invokeExact(errno);
      if (name.address() == 0) {
        return "errno " + errno;
      }
      // Restricted: strerrorname_np returns a pointer to a static, NUL-terminated string of a few
      // bytes that lives as long as libc; 64 bytes bound the read; any thread may read it.
      return name.reinterpret(64).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  @FunctionalInterface
  private interface NativeCall {
    long invoke(Arena arena, MemorySegment capture) throws Throwable;
  }

  /** Runs {@code call} with its own arena and errno capture, retrying on EINTR. */
  private static long checked(String operation, NativeCall call) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
      while (true) {
        long r = call.invoke(arena, capture);
        if (r >= 0) {
          return r;
        }
        int errno = capture.get(JAVA_INT, ERRNO_OFFSET);
        if (errno != EINTR) {
          throw new ErrnoException(operation, errno);
        }
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call " + operation + " failed", t);
    }
  }

  /** open(2) of {@code path}; returns the descriptor. */
  public static int open(String path, int flags) throws ErrnoException {
    return (int)
        checked(
            "open " + path,
            (a, c) -> syscall(c, SYS_OPEN, a.allocateFrom(path).address(), flags | O_CLOEXEC, 0));
  }

  /** close(2); errors are ignored (on Linux the descriptor is gone either way). */
  public static void close(int fd) {
    try {
      checked("close", (a, c) -> syscall(c, SYS_CLOSE, fd, 0, 0));
    } catch (ErrnoException ignored) {
      // nothing to do
    }
  }

  /**
   * pread(2) into {@code dst}; returns the bytes read (0 at end of file). {@code dst} must be
   * native memory that stays alive for the call; the kernel writes at most {@code dst.byteSize()}
   * bytes.
   */
  public static long pread(int fd, MemorySegment dst, long offset) throws ErrnoException {
    return checked(
        "pread",
        (a, c) -> syscall(c, SYS_PREAD64, fd, dst.address(), dst.byteSize(), offset, 0, 0));
  }

  /** pwrite(2) of {@code src} (native, alive for the call); returns the bytes written. */
  public static long pwrite(int fd, MemorySegment src, long offset) throws ErrnoException {
    return checked(
        "pwrite",
        (a, c) -> syscall(c, SYS_PWRITE64, fd, src.address(), src.byteSize(), offset, 0, 0));
  }

  /** The most pieces one preadv/pwritev takes (Linux's UIO_MAXIOV). */
  public static final int IOV_MAX = 1024;

  /**
   * preadv(2) into {@code dst} in order, at most {@link #IOV_MAX} pieces; returns the bytes read
   * (fewer than asked at end of file or on a short read). Every piece must be native memory that
   * stays alive for the call; the kernel writes at most each piece's size into it.
   */
  public static long preadv(int fd, List<MemorySegment> dst, long offset) throws ErrnoException {
    int n = checkIov(dst);
    // The kernel takes the offset as two words (low, high); on x86-64 the low one holds it all.
    return checked(
        "preadv", (a, c) -> syscall(c, SYS_PREADV, fd, iovec(a, dst).address(), n, offset, 0, 0));
  }

  /** pwritev(2) of {@code src} in order (as {@link #preadv}); returns the bytes written. */
  public static long pwritev(int fd, List<MemorySegment> src, long offset) throws ErrnoException {
    int n = checkIov(src);
    return checked(
        "pwritev", (a, c) -> syscall(c, SYS_PWRITEV, fd, iovec(a, src).address(), n, offset, 0, 0));
  }

  private static int checkIov(List<MemorySegment> pieces) {
    if (pieces.isEmpty() || pieces.size() > IOV_MAX) {
      throw new IllegalArgumentException("an iovec of " + pieces.size() + " pieces");
    }
    for (MemorySegment s : pieces) {
      if (!s.isNative()) {
        throw new IllegalArgumentException("an iovec piece is not native memory");
      }
    }
    return pieces.size();
  }

  /** struct iovec { void *iov_base; size_t iov_len; }[] in {@code arena}. */
  private static MemorySegment iovec(Arena arena, List<MemorySegment> pieces) {
    // Filled as a Java array and copied in one go: per-element stores into native memory cost
    // far more where only the C1 compiler runs (parasol run).
    long[] words = new long[2 * pieces.size()];
    for (int i = 0; i < pieces.size(); i++) {
      MemorySegment s = pieces.get(i);
      words[2 * i] = s.address();
      words[2 * i + 1] = s.byteSize();
    }
    MemorySegment iov = arena.allocate(8L * words.length, 8);
    MemorySegment.copy(words, 0, iov, JAVA_LONG, 0, words.length);
    return iov;
  }

  /** read(2) into {@code dst} (native, alive for the call); returns the bytes read. */
  public static long read(int fd, MemorySegment dst) throws ErrnoException {
    return checked("read", (a, c) -> syscall(c, SYS_READ, fd, dst.address(), dst.byteSize()));
  }

  /** write(2) of {@code src} (native, alive for the call); returns the bytes written. */
  public static long write(int fd, MemorySegment src) throws ErrnoException {
    return checked("write", (a, c) -> syscall(c, SYS_WRITE, fd, src.address(), src.byteSize()));
  }

  /** fdatasync(2). */
  public static void fdatasync(int fd) throws ErrnoException {
    checked("fdatasync", (a, c) -> syscall(c, SYS_FDATASYNC, fd, 0, 0));
  }

  /** fallocate(2) with {@code mode} over {@code [offset, offset+length)}. */
  public static void fallocate(int fd, int mode, long offset, long length) throws ErrnoException {
    checked("fallocate", (a, c) -> syscall(c, SYS_FALLOCATE, fd, mode, offset, length, 0, 0));
  }

  /** The size of the file behind {@code fd} (lseek to SEEK_END). */
  public static long size(int fd) throws ErrnoException {
    return checked("lseek", (a, c) -> syscall(c, SYS_LSEEK, fd, 0, 2));
  }

  /** memfd_create(2); returns the descriptor. */
  public static int memfdCreate(String name) throws ErrnoException {
    return (int)
        checked(
            "memfd_create",
            (a, c) -> syscall(c, SYS_MEMFD_CREATE, a.allocateFrom(name).address(), MFD_CLOEXEC, 0));
  }

  /** ftruncate(2). */
  public static void ftruncate(int fd, long length) throws ErrnoException {
    checked("ftruncate", (a, c) -> syscall(c, SYS_FTRUNCATE, fd, length, 0));
  }

  /** {@link #mmapShared(int, long, long, Arena)} from offset 0. */
  public static MemorySegment mmapShared(int fd, long length, Arena arena) throws ErrnoException {
    return mmapShared(fd, length, 0, arena);
  }

  /** munmap(2) of a mapping made by {@link #mmapShared}. */
  public static void munmap(long address, long length) throws ErrnoException {
    checked("munmap", (a, c) -> syscall(c, SYS_MUNMAP, address, length, 0));
  }

  /**
   * ioctl(2) with a pointer argument; {@code arg} must be native memory as large as the request's
   * struct, alive for the call; the kernel touches it only during the call.
   */
  public static int ioctl(int fd, long request, MemorySegment arg, String operation)
      throws ErrnoException {
    return (int) checked(operation, (a, c) -> syscall(c, SYS_IOCTL, fd, request, arg.address()));
  }

  /** ioctl(2) whose argument is a value, not a pointer (TUNSETOFFLOAD). */
  public static int ioctl(int fd, long request, long arg, String operation) throws ErrnoException {
    return (int) checked(operation, (a, c) -> syscall(c, SYS_IOCTL, fd, request, arg));
  }

  /** Whether {@code fd} becomes readable within {@code timeoutMillis} (poll(2) for POLLIN). */
  public static boolean pollIn(int fd, int timeoutMillis) throws ErrnoException {
    return checked(
            "poll",
            (a, c) -> {
              // struct pollfd { int fd; short events; short revents; }, POLLIN = 1.
              MemorySegment pollfd = a.allocate(8, 4);
              pollfd.set(JAVA_INT, 0, fd);
              pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 1);
              return syscall(c, SYS_POLL, pollfd.address(), 1, timeoutMillis);
            })
        > 0;
  }

  public static final int AF_UNIX = 1;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int EFD_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SCM_RIGHTS = 1;
  private static final int MSG_CMSG_CLOEXEC = 0x40000000;
  private static final int SHUT_RDWR = 2;

  /** Most descriptors one message carries (vhost-user's memory table has at most 8 regions). */
  public static final int MAX_FDS = 8;

  /** struct sockaddr_un for {@code path} (family, then a NUL-terminated path of < 108 bytes). */
  private static MemorySegment sockaddrUn(Arena arena, String path) {
    byte[] p = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (p.length >= 108) {
      throw new IllegalArgumentException("socket path too long (" + p.length + " bytes): " + path);
    }
    MemorySegment sa = arena.allocate(110, 2);
    sa.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
    MemorySegment.copy(MemorySegment.ofArray(p), 0, sa, 2, p.length);
    return sa;
  }

  /** A listening Unix stream socket bound at {@code path}. */
  public static int listenUnix(String path, int backlog) throws ErrnoException {
    int fd =
        (int)
            checked(
                "socket", (a, c) -> syscall(c, SYS_SOCKET, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      checked(
          "bind " + path, (a, c) -> syscall(c, SYS_BIND, fd, sockaddrUn(a, path).address(), 110));
      checked("listen", (a, c) -> syscall(c, SYS_LISTEN, fd, backlog, 0));
      return fd;
    } catch (ErrnoException e) {
      close(fd);
      throw e;
    }
  }

  /** A Unix stream socket connected to {@code path}. */
  public static int connectUnix(String path) throws ErrnoException {
    int fd =
        (int)
            checked(
                "socket", (a, c) -> syscall(c, SYS_SOCKET, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    try {
      checked(
          "connect " + path,
          (a, c) -> syscall(c, SYS_CONNECT, fd, sockaddrUn(a, path).address(), 110));
      return fd;
    } catch (ErrnoException e) {
      close(fd);
      throw e;
    }
  }

  /** accept4(2) with SOCK_CLOEXEC; returns the connection's descriptor. */
  public static int accept(int listenFd) throws ErrnoException {
    return (int)
        checked("accept", (a, c) -> syscall(c, SYS_ACCEPT4, listenFd, 0, 0, SOCK_CLOEXEC, 0, 0));
  }

  /** shutdown(2) both directions: wakes a thread blocked reading the socket. */
  public static void shutdown(int fd) {
    try {
      checked("shutdown", (a, c) -> syscall(c, SYS_SHUTDOWN, fd, SHUT_RDWR, 0));
    } catch (ErrnoException ignored) {
      // already gone
    }
  }

  /**
   * recvmsg(2) into {@code dst} (native, alive for the call), taking up to {@link #MAX_FDS}
   * descriptors passed with SCM_RIGHTS into {@code fds} (the count goes in {@code fdCount[0]}).
   * Returns the bytes received (0 at end of stream).
   */
  public static long recvWithFds(int fd, MemorySegment dst, int[] fds, int[] fdCount)
      throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      // struct iovec { void *base; size_t len; }
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(JAVA_LONG, 0, dst.address());
      iov.set(JAVA_LONG, 8, dst.byteSize());
      // cmsg space for MAX_FDS ints: 16-byte header + 4 * MAX_FDS, rounded to 8.
      long controlBytes = 16 + 4L * MAX_FDS;
      MemorySegment control = arena.allocate(controlBytes, 8);
      // struct msghdr { name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad) }
      MemorySegment msg = arena.allocate(56, 8);
      msg.set(JAVA_LONG, 16, iov.address());
      msg.set(JAVA_LONG, 24, 1L);
      msg.set(JAVA_LONG, 32, control.address());
      msg.set(JAVA_LONG, 40, controlBytes);
      long n =
          checked(
              "recvmsg", (a, c) -> syscall(c, SYS_RECVMSG, fd, msg.address(), MSG_CMSG_CLOEXEC));
      fdCount[0] = 0;
      long controlLen = msg.get(JAVA_LONG, 40);
      if (controlLen >= 16) {
        long cmsgLen = control.get(JAVA_LONG, 0);
        int level = control.get(JAVA_INT, 8);
        int type = control.get(JAVA_INT, 12);
        if (level == SOL_SOCKET && type == SCM_RIGHTS && cmsgLen >= 16 && cmsgLen <= controlBytes) {
          int count = (int) ((cmsgLen - 16) / 4);
          for (int i = 0; i < count; i++) {
            int passed = control.get(JAVA_INT, 16 + 4L * i);
            if (i < fds.length) {
              fds[i] = passed;
              fdCount[0]++;
            } else {
              close(passed); // more than the caller can take: never leak them
            }
          }
        }
      }
      return n;
    }
  }

  /** sendmsg(2) of all of {@code src} (native) with {@code fds} attached by SCM_RIGHTS. */
  public static void sendWithFds(int fd, MemorySegment src, int[] fds) throws ErrnoException {
    if (fds.length > MAX_FDS) {
      throw new IllegalArgumentException(fds.length + " descriptors in one message");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(JAVA_LONG, 0, src.address());
      iov.set(JAVA_LONG, 8, src.byteSize());
      MemorySegment msg = arena.allocate(56, 8);
      msg.set(JAVA_LONG, 16, iov.address());
      msg.set(JAVA_LONG, 24, 1L);
      if (fds.length > 0) {
        long controlBytes = (16 + 4L * fds.length + 7) & ~7L;
        MemorySegment control = arena.allocate(controlBytes, 8);
        control.set(JAVA_LONG, 0, 16 + 4L * fds.length);
        control.set(JAVA_INT, 8, SOL_SOCKET);
        control.set(JAVA_INT, 12, SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
          control.set(JAVA_INT, 16 + 4L * i, fds[i]);
        }
        msg.set(JAVA_LONG, 32, control.address());
        msg.set(JAVA_LONG, 40, controlBytes);
      }
      long n = checked("sendmsg", (a, c) -> syscall(c, SYS_SENDMSG, fd, msg.address(), 0));
      if (n != src.byteSize()) {
        throw new ErrnoException("sendmsg (short, " + n + " of " + src.byteSize() + ")", 5);
      }
    }
  }

  /** eventfd(2) with EFD_CLOEXEC. */
  public static int eventfd() throws ErrnoException {
    return (int) checked("eventfd", (a, c) -> syscall(c, SYS_EVENTFD2, 0, EFD_CLOEXEC, 0));
  }

  /** Adds 1 to an eventfd counter. */
  public static void eventfdSignal(int fd) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment one = arena.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1L);
      write(fd, one);
    }
  }

  /** Reads and resets an eventfd counter, waiting at most {@code timeoutMillis}; 0 if none. */
  public static long eventfdWait(int fd, int timeoutMillis) throws ErrnoException {
    if (!pollIn(fd, timeoutMillis)) {
      return 0;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(JAVA_LONG);
      return read(fd, value) == 8 ? value.get(JAVA_LONG, 0) : 0;
    }
  }

  /**
   * A shared read-write mmap(2) of {@code length} bytes of {@code fd} from {@code offset} (page
   * aligned), as a segment whose lifetime is {@code arena}'s; the owner closes {@code arena} before
   * {@link #munmap}.
   */
  public static MemorySegment mmapShared(int fd, long length, long offset, Arena arena)
      throws ErrnoException {
    long address =
        checked(
            "mmap",
            (a, c) -> {
              return syscall(
                  c, SYS_MMAP, 0, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
            });
    // Restricted: the kernel mapped exactly `length` bytes at `address`, mapped until munmap,
    // which the owner calls only after closing `arena`; any thread may use it if `arena` is shared.
    return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
  }
}
