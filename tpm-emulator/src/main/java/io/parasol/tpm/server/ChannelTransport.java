package io.parasol.tpm.server;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A client on a blocking {@link SocketChannel}, TCP or Unix.
 *
 * <p>On TCP, Nagle is off (every reply is one write) and {@code TCP_QUICKACK} is set whenever a
 * request has arrived in part ({@link #awaitingRestOfRequest}): tpm2-tss's mssim TCTI sends the
 * 9-byte frame header and the command in two writes without {@code TCP_NODELAY}, and a delayed ACK
 * of the first would stall every command by about 40 ms (measured: 44 ms against 0.02 ms,
 * tpm-wire-protocols.md §1c). Setting the option sends the pending ACK at once. A request that
 * arrives whole costs no {@code setsockopt}.
 */
final class ChannelTransport implements Transport {
  private final SocketChannel channel;
  private final String description;
  private final SocketOption<Boolean> quickAck;

  ChannelTransport(SocketChannel channel, String description) throws IOException {
    this.channel = channel;
    this.description = description;
    SocketOption<Boolean> option = null;
    if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_QUICKACK)) {
        option = jdk.net.ExtendedSocketOptions.TCP_QUICKACK;
      }
    }
    this.quickAck = option;
  }

  @Override
  public int read(byte[] dst, int offset, int length) throws IOException {
    return channel.read(ByteBuffer.wrap(dst, offset, length));
  }

  @Override
  public void awaitingRestOfRequest() throws IOException {
    if (quickAck != null) {
      channel.setOption(quickAck, true);
    }
  }

  @Override
  public void write(byte[] src) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(src);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a socket fails only if it is already broken; nothing is left to release.
    }
  }
}
