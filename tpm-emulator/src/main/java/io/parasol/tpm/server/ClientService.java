package io.parasol.tpm.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket served by one named daemon thread, one client at a time, as the reference
 * simulator and swtpm do: the next client is accepted when the current one leaves, whether it said
 * goodbye or simply vanished. A client that breaks the protocol loses its connection; the service
 * goes on.
 */
final class ClientService {
  private static final Logger LOG = LoggerFactory.getLogger(ClientService.class);

  /** Serves one client until it leaves; returns normally at its end of stream. */
  @FunctionalInterface
  interface Handler {
    void serve(Transport client) throws IOException;
  }

  private final String name;
  private final Listener listener;
  private final Handler handler;
  private final RateLimitedLog warnings;
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Transport current;

  ClientService(String name, Listener listener, Handler handler, RateLimitedLog warnings) {
    this.name = name;
    this.listener = listener;
    this.handler = handler;
    this.warnings = warnings;
    this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
  }

  Endpoint endpoint() {
    return listener.endpoint();
  }

  void start() {
    thread.start();
  }

  private void run() {
    LOG.debug("{} listening on {}", name, listener.endpoint());
    while (!stopping) {
      Transport client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (stopping) {
          break;
        }
        warnings.warn("{}: accept failed: {}", name, e.getMessage());
        continue;
      }
      if (client == null) {
        break;
      }
      current = client;
      if (stopping) {
        client.close();
        break;
      }
      serve(name, handler, client, warnings, () -> stopping);
      current = null;
    }
    listener.close();
    LOG.debug("{} stopped", name);
  }

  /**
   * Runs {@code handler} on {@code client} and closes it, turning every way a client can fail into
   * a log line: bad input and truncated frames are warnings (rate-limited), a vanished peer is
   * debug, a server bug is an error.
   */
  static void serve(
      String name,
      Handler handler,
      Transport client,
      RateLimitedLog warnings,
      java.util.function.BooleanSupplier stopping) {
    try {
      handler.serve(client);
      LOG.debug("{}: {} left", name, client.describe());
    } catch (BadClientInputException e) {
      warnings.warn("{}: closing {}: {}", name, client.describe(), e.getMessage());
    } catch (TruncatedFrameException e) {
      warnings.warn("{}: {} disconnected in the middle of a frame", name, client.describe());
    } catch (ClosedChannelException e) {
      if (!stopping.getAsBoolean()) {
        LOG.debug("{}: {} closed", name, client.describe());
      }
    } catch (IOException e) {
      LOG.debug("{}: {} lost: {}", name, client.describe(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("{}: failed serving {}", name, client.describe(), e);
    } finally {
      client.close();
    }
  }

  /** Stops accepting and disconnects the current client; does not wait. */
  void stop() {
    stopping = true;
    listener.close();
    Transport client = current;
    if (client != null) {
      client.close();
    }
  }

  /** Waits up to {@code millis} for the serving thread to end (not if called from it). */
  void join(long millis) throws InterruptedException {
    if (Thread.currentThread() != thread) {
      thread.join(millis);
    }
  }
}
