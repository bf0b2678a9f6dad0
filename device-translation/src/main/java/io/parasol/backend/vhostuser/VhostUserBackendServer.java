package io.parasol.backend.vhostuser;

import static io.parasol.backend.vhostuser.VhostUserProtocol.*;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.virtio.device.DeviceContext;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.QueueLayout;
import io.parasol.virtio.queue.VirtioFeature;
import io.parasol.virtio.queue.Virtqueue;
import io.parasol.virtio.queue.VirtqueueException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@link VirtioDevice} to vhost-user front ends on a Unix socket, one connection at a
 * time (as QEMU uses it), like rust-vmm's vhost-user-backend. The front end negotiates features,
 * shares its memory (SET_MEM_TABLE) and hands over rings with kick and call eventfds; the device
 * works on them exactly as under Parasol's own transports.
 *
 * <p>Offered: VERSION_1, INDIRECT_DESC, EVENT_IDX (split rings), and the protocol features MQ,
 * REPLY_ACK and CONFIG. A message that cannot be right (a wrong size, a queue out of range, a ring
 * outside the shared memory, a bad region table) ends the connection with a logged sentence; it
 * never throws out of the server.
 */
public final class VhostUserBackendServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VhostUserBackendServer.class);

  private static final long PROTOCOL_FEATURES =
      (1L << PROTOCOL_F_MQ) | (1L << PROTOCOL_F_REPLY_ACK) | (1L << PROTOCOL_F_CONFIG);

  private final VirtioDevice device;
  private final String socketPath;
  private final int listenFd;
  private volatile boolean closed;
  private volatile int connectionFd = -1;
  private volatile Session current;
  private final long pollNanos;

  /** Listens on {@code socketPath} (replacing a stale socket file) for {@code device}. */
  public VhostUserBackendServer(VirtioDevice device, Path socketPath) throws IOException {
    this(device, socketPath, 0);
  }

  /**
   * As {@link #VhostUserBackendServer(VirtioDevice, Path)}, and after each round of work a queue's
   * thread watches its ring for {@code pollNanos} before it sleeps on the kick eventfd, as QEMU's
   * I/O threads poll (its {@code poll-max-ns}): a request the front end makes meanwhile is taken
   * without waiting for the kick's wake-up. 0 never polls; so does a host with one CPU, where the
   * spinning thread would only hold up the front end.
   */
  public VhostUserBackendServer(VirtioDevice device, Path socketPath, long pollNanos)
      throws IOException {
    if (pollNanos < 0) {
      throw new IllegalArgumentException("poll time " + pollNanos + " ns");
    }
    this.pollNanos = Runtime.getRuntime().availableProcessors() > 1 ? pollNanos : 0;
    this.device = device;
    this.socketPath = socketPath.toString();
    Files.deleteIfExists(socketPath);
    this.listenFd = LinuxCalls.listenUnix(this.socketPath, 1);
  }

  /** The features offered to the front end. */
  long offeredFeatures() {
    return device.deviceFeatures()
        | VirtioFeature.bit(VirtioFeature.VERSION_1)
        | VirtioFeature.bit(VirtioFeature.RING_INDIRECT_DESC)
        | VirtioFeature.bit(VirtioFeature.EVENT_IDX)
        | (1L << F_PROTOCOL_FEATURES);
  }

  /** Serves front ends until {@link #close}; each connection in turn. */
  public void serve() throws IOException {
    while (!closed) {
      int fd;
      try {
        fd = LinuxCalls.accept(listenFd);
      } catch (ErrnoException e) {
        if (closed) {
          return;
        }
        throw e;
      }
      connectionFd = fd;
      Session session = new Session(fd);
      current = session;
      try {
        session.run();
      } finally {
        session.end();
        current = null;
        connectionFd = -1;
        LinuxCalls.close(fd);
      }
    }
  }

  /** Serves on a new platform thread; returns it. */
  public Thread start() {
    return Thread.ofPlatform()
        .name("parasol-vhost-user")
        .start(
            () -> {
              try {
                serve();
              } catch (IOException e) {
                LOG.error("vhost-user server stopped: {}", e.getMessage());
              }
            });
  }

  /** Whether {@code segment} is inside memory the current front end shared (for tests). */
  boolean isFrontEndMemory(MemorySegment segment) {
    Session s = current;
    return s != null && s.tables.stream().anyMatch(t -> t.contains(segment));
  }

  @Override
  public void close() {
    closed = true;
    int c = connectionFd;
    if (c >= 0) {
      LinuxCalls.shutdown(c);
    }
    LinuxCalls.shutdown(listenFd);
    LinuxCalls.close(listenFd);
    try {
      Files.deleteIfExists(Path.of(socketPath));
    } catch (IOException e) {
      // best effort
    }
  }

  /** A message the front end should not have sent: ends the connection. */
  private static final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }

  /** One queue as the front end set it up. */
  private static final class Ring {
    int num;
    long descVa;
    long availVa;
    long usedVa;
    int base;
    int kickFd = -1;
    int callFd = -1;
    boolean enabled;
    volatile Virtqueue queue;
    Thread kicker;
    volatile boolean stopKicker;
  }

  /** One connection's state; all messages run on the serving thread. */
  private final class Session {
    final int fd;
    final Arena arena = Arena.ofConfined();
    final MemorySegment header = arena.allocate(HEADER_BYTES, 8);
    final MemorySegment payload = arena.allocate(MAX_PAYLOAD, 8);
    final Ring[] rings;
    final List<VhostUserMemoryTable> tables = new ArrayList<>();
    VhostUserMemoryTable table;
    long features;
    long protocolFeatures;
    Context context;

    Session(int fd) {
      this.fd = fd;
      this.rings = new Ring[device.queueCount()];
      for (int i = 0; i < rings.length; i++) {
        rings[i] = new Ring();
      }
    }

    void run() {
      int[] fds = new int[LinuxCalls.MAX_FDS];
      int[] fdCount = new int[1];
      while (!closed) {
        try {
          long n = LinuxCalls.recvWithFds(fd, header, fds, fdCount);
          int[] received = java.util.Arrays.copyOf(fds, fdCount[0]);
          if (n == 0) {
            closeAll(received);
            return; // the front end went away
          }
          if (n != HEADER_BYTES) {
            closeAll(received);
            throw new ProtocolException("short message header (" + n + " bytes)");
          }
          int request = header.get(ValueLayout.JAVA_INT, 0);
          int flags = header.get(ValueLayout.JAVA_INT, 4);
          int size = header.get(ValueLayout.JAVA_INT, 8);
          if ((flags & FLAG_VERSION_MASK) != VERSION || size < 0 || size > MAX_PAYLOAD) {
            closeAll(received);
            throw new ProtocolException(
                "bad header: flags 0x" + Integer.toHexString(flags) + ", size " + size);
          }
          readFully(payload.asSlice(0, size));
          boolean replied;
          try {
            replied = handle(request, payload.asSlice(0, size), received);
          } catch (ProtocolException e) {
            throw new ProtocolException(name(request) + ": " + e.getMessage());
          }
          if ((flags & FLAG_NEED_REPLY) != 0
              && (protocolFeatures & (1L << PROTOCOL_F_REPLY_ACK)) != 0
              && !replied) {
            replyLong(request, 0);
          }
        } catch (ProtocolException e) {
          LOG.warn("vhost-user: closing the connection: {}", e.getMessage());
          return;
        } catch (IOException e) {
          if (!closed) {
            LOG.warn("vhost-user: connection failed: {}", e.getMessage());
          }
          return;
        }
      }
    }

    private void readFully(MemorySegment dst) throws IOException, ProtocolException {
      long done = 0;
      while (done < dst.byteSize()) {
        long n = LinuxCalls.read(fd, dst.asSlice(done));
        if (n == 0) {
          throw new ProtocolException("connection closed inside a message");
        }
        done += n;
      }
    }

    private void closeAll(int[] fds) {
      for (int f : fds) {
        LinuxCalls.close(f);
      }
    }

    private void requireSize(MemorySegment p, long size) throws ProtocolException {
      if (p.byteSize() != size) {
        throw new ProtocolException("payload of " + p.byteSize() + " bytes, expected " + size);
      }
    }

    private Ring ring(long index) throws ProtocolException {
      if (index < 0 || index >= rings.length) {
        throw new ProtocolException("queue " + index + " of " + rings.length);
      }
      return rings[(int) index];
    }

    /** Handles one message; returns whether it sent a reply. */
    private boolean handle(int request, MemorySegment p, int[] fds)
        throws IOException, ProtocolException {
      boolean fdsTaken = false;
      try {
        switch (request) {
          case GET_FEATURES -> {
            replyLong(request, offeredFeatures());
            return true;
          }
          case SET_FEATURES -> {
            requireSize(p, 8);
            long f = p.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            if ((f & ~offeredFeatures()) != 0 || !device.acceptFeatures(f)) {
              throw new ProtocolException("features 0x" + Long.toHexString(f) + " not offered");
            }
            features = f;
            return false;
          }
          case GET_PROTOCOL_FEATURES -> {
            replyLong(request, PROTOCOL_FEATURES);
            return true;
          }
          case SET_PROTOCOL_FEATURES -> {
            requireSize(p, 8);
            long f = p.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            if ((f & ~PROTOCOL_FEATURES) != 0) {
              throw new ProtocolException("protocol features 0x" + Long.toHexString(f));
            }
            protocolFeatures = f;
            return false;
          }
          case GET_QUEUE_NUM -> {
            replyLong(request, rings.length);
            return true;
          }
          case SET_OWNER -> {
            return false;
          }
          case RESET_OWNER -> {
            stopAllRings();
            features = 0;
            return false;
          }
          case SET_MEM_TABLE -> {
            fdsTaken = true;
            setMemTable(p, fds);
            return false;
          }
          case SET_VRING_NUM -> {
            requireSize(p, 8);
            Ring r = ring(p.get(ValueLayout.JAVA_INT, 0));
            int num = p.get(ValueLayout.JAVA_INT, 4);
            int max = device.maxQueueSize((int) p.get(ValueLayout.JAVA_INT, 0));
            if (num <= 0 || num > max || Integer.bitCount(num) != 1) {
              throw new ProtocolException("queue size " + num + " (max " + max + ")");
            }
            r.num = num;
            return false;
          }
          case SET_VRING_ADDR -> {
            requireSize(p, 40);
            Ring r = ring(p.get(ValueLayout.JAVA_INT, 0));
            r.descVa = p.get(ValueLayout.JAVA_LONG, 8);
            r.usedVa = p.get(ValueLayout.JAVA_LONG, 16);
            r.availVa = p.get(ValueLayout.JAVA_LONG, 24);
            return false;
          }
          case SET_VRING_BASE -> {
            requireSize(p, 8);
            ring(p.get(ValueLayout.JAVA_INT, 0)).base = p.get(ValueLayout.JAVA_INT, 4);
            return false;
          }
          case GET_VRING_BASE -> {
            requireSize(p, 8);
            int index = p.get(ValueLayout.JAVA_INT, 0);
            Ring r = ring(index);
            int base = stopRing(index);
            r.base = base;
            MemorySegment state = arena.allocate(8, 4);
            state.set(ValueLayout.JAVA_INT, 0, index);
            state.set(ValueLayout.JAVA_INT, 4, base);
            reply(request, state);
            return true;
          }
          case SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR -> {
            requireSize(p, 8);
            long v = p.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            Ring r = ring(v & VRING_INDEX_MASK);
            int passed = -1;
            if ((v & VRING_NOFD) == 0) {
              if (fds.length != 1) {
                throw new ProtocolException("expected one descriptor, got " + fds.length);
              }
              passed = fds[0];
              fdsTaken = true;
            }
            int index = (int) (v & VRING_INDEX_MASK);
            if (request == SET_VRING_ERR) {
              if (passed >= 0) {
                LinuxCalls.close(passed);
              }
            } else if (request == SET_VRING_CALL) {
              int old = r.callFd;
              r.callFd = passed;
              if (old >= 0) {
                LinuxCalls.close(old);
              }
            } else {
              if (passed < 0) {
                throw new ProtocolException("polling mode (no kick descriptor) is not supported");
              }
              stopRing(index);
              if (r.kickFd >= 0) {
                LinuxCalls.close(r.kickFd);
              }
              r.kickFd = passed;
              if ((features & (1L << F_PROTOCOL_FEATURES)) == 0) {
                r.enabled = true; // without protocol features a ring starts on its kick
              }
              maybeStart(index);
            }
            return false;
          }
          case SET_VRING_ENABLE -> {
            requireSize(p, 8);
            int index = p.get(ValueLayout.JAVA_INT, 0);
            Ring r = ring(index);
            r.enabled = p.get(ValueLayout.JAVA_INT, 4) != 0;
            if (r.enabled) {
              maybeStart(index);
            } else {
              r.base = stopRing(index);
            }
            return false;
          }
          case GET_CONFIG -> {
            if (p.byteSize() < 12) {
              throw new ProtocolException("config message of " + p.byteSize() + " bytes");
            }
            int offset = p.get(ValueLayout.JAVA_INT, 0);
            int size = p.get(ValueLayout.JAVA_INT, 4);
            if (size < 0 || size > 256 || p.byteSize() != 12 + size) {
              throw new ProtocolException("config size " + size);
            }
            byte[] bytes = new byte[size];
            if (offset >= 0 && offset <= device.configSizeBytes()) {
              int n = Math.min(size, device.configSizeBytes() - offset);
              byte[] part = new byte[n];
              device.readConfig(offset, part);
              System.arraycopy(part, 0, bytes, 0, n);
            }
            MemorySegment out = arena.allocate(12 + size, 8);
            MemorySegment.copy(p, 0, out, 0, 12);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, out, 12, size);
            reply(request, out);
            return true;
          }
          case SET_CONFIG -> {
            if (p.byteSize() < 12) {
              throw new ProtocolException("config message of " + p.byteSize() + " bytes");
            }
            int offset = p.get(ValueLayout.JAVA_INT, 0);
            int size = p.get(ValueLayout.JAVA_INT, 4);
            if (size >= 0
                && p.byteSize() == 12 + size
                && offset >= 0
                && size <= device.configSizeBytes() - offset) {
              device.writeConfig(offset, p.asSlice(12, size).toArray(ValueLayout.JAVA_BYTE));
            }
            return false;
          }
          default -> {
            LOG.debug("vhost-user: ignoring {}", name(request));
            if ((protocolFeatures & (1L << PROTOCOL_F_REPLY_ACK)) != 0) {
              replyLong(request, 1); // "not done"
              return true;
            }
            return false;
          }
        }
      } finally {
        if (!fdsTaken) {
          closeAll(fds);
        }
      }
    }

    private void setMemTable(MemorySegment p, int[] fds) throws IOException, ProtocolException {
      if (p.byteSize() < 8) {
        closeAll(fds);
        throw new ProtocolException("memory table of " + p.byteSize() + " bytes");
      }
      int n = p.get(ValueLayout.JAVA_INT, 0);
      if (n < 1 || n > MAX_REGIONS || p.byteSize() != 8 + 32L * n || fds.length != n) {
        closeAll(fds);
        throw new ProtocolException(
            n + " regions in " + p.byteSize() + " bytes with " + fds.length + " descriptors");
      }
      long[][] t = new long[n][];
      for (int i = 0; i < n; i++) {
        long at = 8 + 32L * i;
        t[i] =
            new long[] {
              p.get(ValueLayout.JAVA_LONG, at),
              p.get(ValueLayout.JAVA_LONG, at + 8),
              p.get(ValueLayout.JAVA_LONG, at + 16),
              p.get(ValueLayout.JAVA_LONG, at + 24)
            };
      }
      try {
        VhostUserMemoryTable next = new VhostUserMemoryTable(t, fds);
        // DEVNOTE: running rings keep the table they started with; every table stays mapped until
        // the connection ends, so no ring can lose its memory under it.
        tables.add(next);
        table = next;
      } catch (IllegalArgumentException e) {
        throw new ProtocolException(e.getMessage());
      }
    }

    /** Starts ring {@code index} once it has memory, a size, addresses, a kick and is enabled. */
    private void maybeStart(int index) throws ProtocolException {
      Ring r = rings[index];
      if (!r.enabled || r.kickFd < 0 || r.queue != null) {
        return;
      }
      if (table == null || r.num == 0) {
        throw new ProtocolException("queue " + index + " started without memory or size");
      }
      long desc = table.gpaOf(r.descVa, 16L * r.num);
      long avail = table.gpaOf(r.availVa, 6 + 2L * r.num);
      long used = table.gpaOf(r.usedVa, 6 + 8L * r.num);
      if (desc < 0 || avail < 0 || used < 0) {
        throw new ProtocolException("queue " + index + " is outside the shared memory");
      }
      Virtqueue q;
      try {
        q =
            Virtqueue.resume(
                table.memory(), new QueueLayout(r.num, desc, avail, used), features, r.base);
      } catch (VirtqueueException e) {
        throw new ProtocolException("queue " + index + ": " + e.getMessage());
      }
      r.queue = q;
      if (context == null || context.stopped) {
        context = new Context(table.memory());
        device.activate(context);
      }
      r.stopKicker = false;
      int kick = r.kickFd;
      r.kicker =
          Thread.ofPlatform()
              .daemon()
              .name("parasol-vhost-user-kick-" + index)
              .start(
                  () -> {
                    // This thread is the queue's I/O thread: the device may drain right here.
                    device.queueNotifyOnIoThread(index); // buffers may already be waiting
                    while (!r.stopKicker) {
                      try {
                        if (LinuxCalls.eventfdWait(kick, 100) > 0) {
                          device.queueNotifyOnIoThread(index);
                          poll(q, index, r);
                        }
                      } catch (ErrnoException e) {
                        LOG.warn("vhost-user: kick of queue {} failed: {}", index, e.getMessage());
                        return;
                      }
                    }
                  });
    }

    /** Watches ring {@code index} for {@code pollNanos} after its last work, working on it. */
    private void poll(Virtqueue q, int index, Ring r) {
      if (pollNanos == 0) {
        return;
      }
      long until = System.nanoTime() + pollNanos;
      while (!r.stopKicker && System.nanoTime() - until < 0) {
        if (q.hasAvailable()) {
          device.queueNotifyOnIoThread(index);
          until = System.nanoTime() + pollNanos;
        } else {
          Thread.onSpinWait();
        }
      }
    }

    /** Stops ring {@code index} with all its requests finished; returns its position. */
    private int stopRing(int index) {
      Ring r = rings[index];
      Virtqueue q = r.queue;
      if (q == null) {
        return r.base;
      }
      r.stopKicker = true;
      try {
        r.kicker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // The device finishes what is in flight (completions still land in the rings), then forgets
      // its queues; the rings still running get a fresh activation.
      device.reset();
      Context old = context;
      if (old != null) {
        old.stopped = true;
      }
      context = null;
      r.queue = null;
      int base = q.availIndex();
      boolean anyRunning = false;
      for (Ring other : rings) {
        anyRunning |= other.queue != null;
      }
      if (anyRunning) {
        context = new Context(table.memory());
        device.activate(context);
      }
      return base;
    }

    private void stopAllRings() {
      for (int i = 0; i < rings.length; i++) {
        stopRing(i);
      }
    }

    void end() {
      stopAllRings();
      for (Ring r : rings) {
        if (r.kickFd >= 0) {
          LinuxCalls.close(r.kickFd);
        }
        if (r.callFd >= 0) {
          LinuxCalls.close(r.callFd);
        }
      }
      for (VhostUserMemoryTable t : tables) {
        t.close();
      }
      arena.close();
    }

    private void replyLong(int request, long value) throws IOException {
      MemorySegment v = arena.allocate(8, 8);
      v.set(ValueLayout.JAVA_LONG, 0, value);
      reply(request, v);
    }

    private void reply(int request, MemorySegment body) throws IOException {
      MemorySegment msg = arena.allocate(HEADER_BYTES + body.byteSize(), 8);
      msg.set(ValueLayout.JAVA_INT, 0, request);
      msg.set(ValueLayout.JAVA_INT, 4, VERSION | FLAG_REPLY);
      msg.set(ValueLayout.JAVA_INT, 8, (int) body.byteSize());
      MemorySegment.copy(body, 0, msg, HEADER_BYTES, body.byteSize());
      LinuxCalls.sendWithFds(fd, msg, new int[0]);
    }

    /** What the device sees while rings run. */
    private final class Context implements DeviceContext {
      final GuestMemory memory;
      volatile boolean stopped;

      Context(GuestMemory memory) {
        this.memory = memory;
      }

      @Override
      public GuestMemory memory() {
        return memory;
      }

      @Override
      public long negotiatedFeatures() {
        return features & ~(1L << F_PROTOCOL_FEATURES);
      }

      @Override
      public Virtqueue queue(int index) {
        return index >= 0 && index < rings.length ? rings[index].queue : null;
      }

      @Override
      public void interruptIfNeeded(int queue) {
        Virtqueue q = queue(queue);
        if (q == null || stopped) {
          return;
        }
        try {
          if (q.needsInterrupt()) {
            int call = rings[queue].callFd;
            if (call >= 0) {
              LinuxCalls.eventfdSignal(call);
            }
          }
        } catch (VirtqueueException e) {
          needsReset("queue " + queue + ": " + e.getMessage());
        } catch (ErrnoException e) {
          LOG.warn("vhost-user: call of queue {} failed: {}", queue, e.getMessage());
        }
      }

      @Override
      public void signalConfigChange() {
        // No back-end request channel is negotiated: the front end reads config on demand.
      }

      @Override
      public void needsReset(String reason) {
        // vhost-user has no DEVICE_NEEDS_RESET without the STATUS protocol feature: stop work.
        if (!stopped) {
          LOG.warn("vhost-user device stops: {}", reason);
          stopped = true;
        }
      }

      @Override
      public boolean isStopped() {
        return stopped;
      }
    }
  }
}
