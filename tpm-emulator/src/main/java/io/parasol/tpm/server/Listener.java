package io.parasol.tpm.server;

import java.io.Closeable;
import java.io.IOException;

/** A listening socket that hands out one {@link Transport} per accepted client. */
interface Listener extends Closeable {

  /** Blocks for the next client; returns null once the listener is closed. */
  Transport accept() throws IOException;

  /** Where it listens. */
  Endpoint endpoint();

  /** Stops listening (a blocked {@link #accept} returns null); removes a Unix socket's file. */
  @Override
  void close();
}
