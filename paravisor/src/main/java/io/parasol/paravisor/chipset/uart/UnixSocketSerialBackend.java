package io.parasol.paravisor.chipset.uart;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial port served on a Unix domain socket: Parasol listens, and one client at a time (for
 * example {@code socat - UNIX-CONNECT:path}) is the other end of the line. Further clients wait in
 * the listen backlog until the current one disconnects.
 *
 * <p>Output is queued (up to 64 KiB) and written by a daemon platform thread, so a slow client
 * never stalls a vCPU; bytes the guest sends while no client is connected, or while the queue is
 * full, are dropped, as on an unplugged cable. Input is read on another daemon platform thread and
 * waits for room in the UART's receive FIFO, so nothing the client sends is dropped.
 */
public final class UnixSocketSerialBackend implements SerialBackend {
  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketSerialBackend.class);
  private static final int QUEUE_BYTES = 64 * 1024;

  private final Path path;
  private final ServerSocketChannel server;
  private final Object lock = new Object();
  // Guarded by lock.
  private final byte[] queue = new byte[QUEUE_BYTES];
  private int queueHead;
  private int queueCount;
  private long droppedBytes;
  private SocketChannel client;
  private boolean closed;
  private Thread acceptThread;
  private Thread writerThread;

  /**
   * Listens on {@code path}. A stale socket file left there by an earlier run is removed first; any
   * other file there is an error.
   *
   * @throws IOException when the socket cannot be created or bound
   */
  public UnixSocketSerialBackend(Path path) throws IOException {
    this.path = path;
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        && Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isOther()) {
      Files.delete(path);
    }
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      server.close();
      throw new IOException("binding serial socket " + path + " failed: " + e.getMessage(), e);
    }
  }

  /** The socket's path. */
  public Path path() {
    return path;
  }

  /** Output bytes dropped so far (no client, or the queue was full). */
  public long droppedBytes() {
    synchronized (lock) {
      return droppedBytes;
    }
  }

  @Override
  public void connect(SerialReceiver receiver) {
    synchronized (lock) {
      if (acceptThread != null) {
        throw new IllegalStateException("backend already connected to a UART");
      }
      String name = "serial-socket-" + path.getFileName();
      acceptThread =
          Thread.ofPlatform().name(name).daemon().unstarted(() -> serveClients(receiver));
      writerThread =
          Thread.ofPlatform().name(name + "-out").daemon().unstarted(this::writeToClients);
      acceptThread.start();
      writerThread.start();
    }
  }

  @Override
  public void write(byte value) {
    synchronized (lock) {
      if (client == null || queueCount == QUEUE_BYTES) {
        droppedBytes++;
        return;
      }
      queue[(queueHead + queueCount) % QUEUE_BYTES] = value;
      queueCount++;
      lock.notifyAll();
    }
  }

  /** Stops listening, disconnects the client and removes the socket file. */
  @Override
  public void close() {
    SocketChannel current;
    synchronized (lock) {
      closed = true;
      current = client;
      client = null;
      lock.notifyAll();
    }
    closeQuietly(server);
    if (current != null) {
      closeQuietly(current);
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.debug("removing serial socket {} failed: {}", path, e.toString());
    }
  }

  private void serveClients(SerialReceiver receiver) {
    ByteBuffer buffer = ByteBuffer.allocate(256);
    while (true) {
      SocketChannel accepted;
      try {
        accepted = server.accept();
      } catch (ClosedChannelException e) {
        return; // closed
      } catch (IOException e) {
        LOG.warn("serial socket {}: accept failed, no more clients: {}", path, e.toString());
        return;
      }
      synchronized (lock) {
        if (closed) {
          closeQuietly(accepted);
          return;
        }
        client = accepted;
        queueCount = 0;
      }
      try {
        while (accepted.read(buffer.clear()) >= 0) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            receiver.receiveWhenReady(buffer.get());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        LOG.debug("serial socket {}: client gone: {}", path, e.toString());
      } finally {
        disconnect(accepted);
      }
    }
  }

  private void writeToClients() {
    ByteBuffer chunk = ByteBuffer.allocate(4096);
    while (true) {
      SocketChannel target;
      synchronized (lock) {
        while (!closed && (client == null || queueCount == 0)) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        target = client;
        chunk.clear();
        while (queueCount > 0 && chunk.hasRemaining()) {
          chunk.put(queue[queueHead]);
          queueHead = (queueHead + 1) % QUEUE_BYTES;
          queueCount--;
        }
        chunk.flip();
      }
      try {
        while (chunk.hasRemaining()) {
          target.write(chunk);
        }
      } catch (IOException e) {
        LOG.debug("serial socket {}: write to client failed: {}", path, e.toString());
        disconnect(target);
      }
    }
  }

  private void disconnect(SocketChannel channel) {
    synchronized (lock) {
      if (client == channel) {
        client = null;
        queueCount = 0;
      }
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing to do: the channel is gone either way.
    }
  }
}
