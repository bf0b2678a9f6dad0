package io.parasol.tpm.server.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Test-only: the client side of descriptor passing, as QEMU's {@code tpm_emulator} does it: a
 * socket pair, and {@code sendmsg(2)} of one end with {@code SCM_RIGHTS} to the swtpm control
 * socket. Struct offsets as in {@link UnixSockets} (LP64 Linux).
 */
public final class UnixSocketPeer {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SOCKETPAIR =
      downcall(
          "socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle CONNECT =
      downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SENDMSG =
      downcall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

  private UnixSocketPeer() {}

  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
  }

  /** A connected pair of {@code AF_UNIX} stream sockets. */
  public static int[] socketPair() throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(8, 4);
      int r = (int) SOCKETPAIR.invokeExact(1, 1, 0, fds);
      if (r != 0) {
        throw new IOException("socketpair failed");
      }
      return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
    }
  }

  /** A socket connected to the {@code AF_UNIX} listener at {@code path}. */
  public static int connect(Path path) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      int fd = (int) SOCKET.invokeExact(1, 1, 0);
      MemorySegment address = arena.allocate(110, 2);
      address.set(JAVA_SHORT, 0, (short) 1);
      byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
      MemorySegment.copy(name, 0, address, JAVA_BYTE, 2, name.length);
      int r = (int) CONNECT.invokeExact(fd, address, 110);
      if (r != 0) {
        UnixSockets.close(fd);
        throw new IOException("connect to " + path + " failed");
      }
      return fd;
    }
  }

  /** Sends {@code data} in one {@code sendmsg}, with {@code passFd} attached if it is not -1. */
  public static void send(int fd, byte[] data, int passFd) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(data.length);
      MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, data.length);
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(ADDRESS, 0, buffer);
      iov.set(JAVA_LONG, 8, data.length);
      MemorySegment msg = arena.allocate(56, 8);
      msg.set(ADDRESS, 16, iov);
      msg.set(JAVA_LONG, 24, 1L);
      if (passFd >= 0) {
        // CMSG_SPACE(sizeof(int)) = 24; cmsg_len = CMSG_LEN(sizeof(int)) = 20.
        MemorySegment control = arena.allocate(24, 8);
        control.set(JAVA_LONG, 0, 20L);
        control.set(JAVA_INT, 8, 1); // SOL_SOCKET
        control.set(JAVA_INT, 12, 1); // SCM_RIGHTS
        control.set(JAVA_INT, 16, passFd);
        msg.set(ADDRESS, 32, control);
        msg.set(JAVA_LONG, 40, 24L);
      }
      long n = (long) SENDMSG.invokeExact(fd, msg, 0x4000);
      if (n != data.length) {
        throw new IOException("sendmsg sent " + n + " of " + data.length + " bytes");
      }
    }
  }

  /** Reads exactly {@code n} bytes, or fewer if the peer closes. */
  public static byte[] readFully(int fd, int n) throws IOException {
    byte[] b = new byte[n];
    int done = 0;
    while (done < n) {
      if (!UnixSockets.pollReadable(fd, 5_000)) {
        throw new IOException("no reply within 5 s");
      }
      int r = UnixSockets.read(fd, b, done, n - done);
      if (r == 0) {
        return java.util.Arrays.copyOf(b, done);
      }
      done += r;
    }
    return b;
  }
}
