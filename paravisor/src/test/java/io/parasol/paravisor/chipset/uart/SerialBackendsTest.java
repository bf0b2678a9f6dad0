package io.parasol.paravisor.chipset.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host ends of a serial port, each driven through its {@link SerialBackend} contract. */
class SerialBackendsTest {
  @TempDir Path dir;

  /** A receiver that queues what it gets, so a test can wait for input without sleeping. */
  private static final class QueueReceiver implements SerialReceiver {
    final BlockingQueue<Byte> bytes = new LinkedBlockingQueue<>();

    @Override
    public void receive(byte value) {
      bytes.add(value);
    }

    @Override
    public void receiveWhenReady(byte value) {
      bytes.add(value);
    }

    @Override
    public void receiveBreak() {}

    byte next() throws InterruptedException {
      Byte b = bytes.poll(10, TimeUnit.SECONDS);
      assertNotNull(b, "no input within 10 s");
      return b;
    }
  }

  @Test
  void fileBackendAppends() throws Exception {
    Path log = dir.resolve("console.log");
    Files.writeString(log, "earlier run\n");
    try (FileSerialBackend backend = new FileSerialBackend(log)) {
      backend.connect(new QueueReceiver());
      for (byte b : "boot\n".getBytes(StandardCharsets.US_ASCII)) {
        backend.write(b);
      }
    }
    assertEquals("earlier run\nboot\n", Files.readString(log));
  }

  @Test
  void unixSocketBackendCarriesBothDirections() throws Exception {
    Path socket = dir.resolve("com1.sock");
    QueueReceiver receiver = new QueueReceiver();
    try (UnixSocketSerialBackend backend = new UnixSocketSerialBackend(socket)) {
      backend.connect(receiver);
      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> {
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
              client.connect(UnixDomainSocketAddress.of(socket));
              client.write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
              assertEquals('h', receiver.next());
              assertEquals('i', receiver.next());
              // The client is registered before its first byte is read, so output reaches it now.
              backend.write((byte) 'o');
              backend.write((byte) 'k');
              ByteBuffer in = ByteBuffer.allocate(2);
              while (in.hasRemaining()) {
                client.read(in);
              }
              assertEquals("ok", new String(in.array(), StandardCharsets.US_ASCII));
            }
          });
    }
    assertEquals(false, Files.exists(socket), "socket file removed on close");
  }

  @Test
  void unixSocketBackendReplacesAStaleSocketButNotAFile() throws Exception {
    Path socket = dir.resolve("stale.sock");
    new UnixSocketSerialBackend(socket).close();
    try (var server = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket)); // leaves a socket file behind
    }
    new UnixSocketSerialBackend(socket).close();
    Path file = dir.resolve("not-a-socket");
    Files.writeString(file, "x");
    assertThrows(java.io.IOException.class, () -> new UnixSocketSerialBackend(file));
    assertEquals("x", Files.readString(file));
  }

  @Test
  void capturingBackendNeedsAUartBeforeInput() {
    CapturingSerialBackend backend = new CapturingSerialBackend();
    assertThrows(IllegalStateException.class, () -> backend.inject("x"));
  }

  @Test
  void pcComPortsHaveTheirConventionalAddresses() {
    assertEquals(0x3F8, PcComPort.COM1.basePort());
    assertEquals(4, PcComPort.COM1.isaIrq());
    assertEquals(0x2F8, PcComPort.COM2.basePort());
    assertEquals(3, PcComPort.COM2.isaIrq());
    assertEquals(0x3E8, PcComPort.COM3.basePort());
    assertEquals(4, PcComPort.COM3.isaIrq());
    assertEquals(0x2E8, PcComPort.COM4.basePort());
    assertEquals(3, PcComPort.COM4.isaIrq());
    assertEquals("com1", PcComPort.COM1.region().name());
    assertEquals(8, PcComPort.COM4.region().length());
  }
}
