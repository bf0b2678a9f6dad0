package io.parasol.backend.vhostuser;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The front-end side of vhost-user, as QEMU speaks it, for tests. */
final class TestFrontEnd implements AutoCloseable {
  final int fd;
  final Arena arena = Arena.ofShared();

  TestFrontEnd(String socket) throws ErrnoException {
    fd = LinuxCalls.connectUnix(socket);
  }

  /** Sends a message; {@code words} are little-endian 64-bit or 32-bit values by {@code sizes}. */
  void send(int request, int flags, MemorySegment body, int... fds) throws ErrnoException {
    MemorySegment msg = arena.allocate(VhostUserProtocol.HEADER_BYTES + body.byteSize(), 8);
    msg.set(ValueLayout.JAVA_INT, 0, request);
    msg.set(ValueLayout.JAVA_INT, 4, VhostUserProtocol.VERSION | flags);
    msg.set(ValueLayout.JAVA_INT, 8, (int) body.byteSize());
    MemorySegment.copy(body, 0, msg, VhostUserProtocol.HEADER_BYTES, body.byteSize());
    LinuxCalls.sendWithFds(fd, msg, fds);
  }

  MemorySegment u64(long v) {
    MemorySegment s = arena.allocate(8, 8);
    s.set(ValueLayout.JAVA_LONG, 0, v);
    return s;
  }

  MemorySegment state(int index, int num) {
    MemorySegment s = arena.allocate(8, 8);
    s.set(ValueLayout.JAVA_INT, 0, index);
    s.set(ValueLayout.JAVA_INT, 4, num);
    return s;
  }

  MemorySegment empty() {
    return arena.allocate(0, 1);
  }

  /** Reads one reply and returns its body; fails on a wrong request code or a missing flag. */
  MemorySegment reply(int request) throws ErrnoException {
    MemorySegment h = arena.allocate(12, 8);
    readFully(h);
    if (h.get(ValueLayout.JAVA_INT, 0) != request
        || (h.get(ValueLayout.JAVA_INT, 4) & VhostUserProtocol.FLAG_REPLY) == 0) {
      throw new AssertionError("bad reply header for " + request);
    }
    MemorySegment body = arena.allocate(Math.max(1, h.get(ValueLayout.JAVA_INT, 8)), 8);
    body = body.asSlice(0, h.get(ValueLayout.JAVA_INT, 8));
    readFully(body);
    return body;
  }

  long replyLong(int request) throws ErrnoException {
    return reply(request).get(ValueLayout.JAVA_LONG, 0);
  }

  /** Whether the server closed the connection (a read returns end of stream). */
  boolean closedByPeer() throws ErrnoException {
    if (!LinuxCalls.pollIn(fd, 5000)) {
      return false;
    }
    return LinuxCalls.read(fd, arena.allocate(1)) == 0;
  }

  private void readFully(MemorySegment dst) throws ErrnoException {
    long done = 0;
    while (done < dst.byteSize()) {
      long n = LinuxCalls.read(fd, dst.asSlice(done));
      if (n == 0) {
        throw new AssertionError("server closed the connection");
      }
      done += n;
    }
  }

  @Override
  public void close() {
    LinuxCalls.close(fd);
    arena.close();
  }
}
