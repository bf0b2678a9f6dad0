package io.parasol.tpm.server.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnixSockets} against the kernel: listening, descriptor passing, errors with errno. */
class UnixSocketsTest {

  @BeforeAll
  static void linuxOnly() {
    assumeTrue(UnixSockets.isSupported(), "needs LP64 Linux");
  }

  @Test
  void receivesADescriptorPassedWithScmRights(@TempDir Path dir) throws Throwable {
    Path path = dir.resolve("ctrl");
    int listener = UnixSockets.listen(path, 1);
    int client = UnixSocketPeer.connect(path);
    int server = UnixSockets.accept(listener);
    int[] pair = UnixSocketPeer.socketPair();
    try {
      UnixSocketPeer.send(client, new byte[] {0, 0, 0, 0x10}, pair[1]);
      byte[] buffer = new byte[16];
      int[] received = {-1};
      assertTrue(UnixSockets.pollReadable(server, 5_000));
      assertEquals(4, UnixSockets.receive(server, buffer, 0, 16, received));
      assertTrue(received[0] >= 0, "a descriptor arrived");
      // The received descriptor is the other end of our pair: bytes flow both ways.
      UnixSockets.writeFully(received[0], new byte[] {1, 2, 3}, 0, 3);
      assertArrayEquals(new byte[] {1, 2, 3}, UnixSocketPeer.readFully(pair[0], 3));
      UnixSockets.writeFully(pair[0], new byte[] {9}, 0, 1);
      assertArrayEquals(new byte[] {9}, UnixSocketPeer.readFully(received[0], 1));
      UnixSockets.close(received[0]);
    } finally {
      UnixSockets.close(pair[0]);
      UnixSockets.close(pair[1]);
      UnixSockets.close(client);
      UnixSockets.close(server);
      UnixSockets.close(listener);
    }
  }

  @Test
  void plainDataCarriesNoDescriptorAndEndOfStreamReadsZero(@TempDir Path dir) throws Throwable {
    Path path = dir.resolve("ctrl");
    int listener = UnixSockets.listen(path, 1);
    int client = UnixSocketPeer.connect(path);
    int server = UnixSockets.accept(listener);
    try {
      UnixSocketPeer.send(client, new byte[] {7}, -1);
      int[] received = {123};
      byte[] buffer = new byte[4];
      assertEquals(1, UnixSockets.receive(server, buffer, 0, 4, received));
      assertEquals(-1, received[0]);
      assertFalse(UnixSockets.pollReadable(server, 10));
      UnixSockets.close(client);
      client = -1;
      assertEquals(0, UnixSockets.receive(server, buffer, 0, 4, received));
    } finally {
      UnixSockets.close(client);
      UnixSockets.close(server);
      UnixSockets.close(listener);
    }
  }

  @Test
  void bindingAnExistingPathFailsWithEaddrinuse(@TempDir Path dir) throws Throwable {
    Path path = dir.resolve("ctrl");
    int listener = UnixSockets.listen(path, 1);
    try {
      IOException e = assertThrows(IOException.class, () -> UnixSockets.listen(path, 1));
      assertTrue(e.getMessage().contains("EADDRINUSE (98)"), e.getMessage());
    } finally {
      UnixSockets.close(listener);
    }
  }

  @Test
  void overlongPathIsRefusedBeforeAnySystemCall(@TempDir Path dir) {
    Path path = dir.resolve("x".repeat(120));
    assertThrows(IOException.class, () -> UnixSockets.listen(path, 1));
  }
}
