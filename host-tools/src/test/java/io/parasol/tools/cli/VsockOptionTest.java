package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parasol run --vsock cid=CID,uds=PATH}: the value's syntax, and the host side VirtioDevices
 * opens: a listening socket at PATH that answers a CONNECT line (a refusal while no guest runs),
 * gone when the run ends; a PATH that is not a socket is refused, never deleted.
 */
class VsockOptionTest {
  @TempDir Path dir;

  @Test
  void valuesParse() {
    VsockOption v = VsockOption.parse("cid=3,uds=/run/vm.vsock");
    assertEquals(3, v.cid());
    assertEquals(Path.of("/run/vm.vsock"), v.uds());
    assertEquals(4294967294L, VsockOption.parse("uds=x,cid=4294967294").cid());
  }

  @Test
  void badValuesSayWhatIsWrong() {
    for (String bad : List.of("", "3", "cid=3", "uds=/x", "cid=3,uds=", "cid=3,uds=a,uds=b")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> VsockOption.parse(bad), bad);
      assertTrue(e.getMessage().startsWith(VsockOption.USAGE), e.getMessage());
    }
    for (String cid : List.of("0", "1", "2", "4294967295", "-3")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> VsockOption.parse("cid=" + cid + ",uds=x"));
      assertTrue(e.getMessage().contains("between 3 and 4294967294"), e.getMessage());
    }
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> VsockOption.parse("cid=x,uds=y"))
            .getMessage()
            .contains("is not a context ID"));
  }

  @Test
  void theHostSocketListensAndRefusesAGuestPortWhileNoGuestRuns() throws Exception {
    Path uds = dir.resolve("vm.vsock");
    try (VirtioDevices virtio = VirtioDevices.open(List.of(), false, false)) {
      virtio.addVsock(VsockOption.parse("cid=7,uds=" + uds));
      try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        c.connect(UnixDomainSocketAddress.of(uds));
        c.write(ByteBuffer.wrap("CONNECT 5000\n".getBytes()));
        // No guest: the device cannot reach port 5000 and closes the connection unanswered.
        assertEquals(-1, c.read(ByteBuffer.allocate(16)));
      }
    }
    assertTrue(Files.notExists(uds), "the socket goes with the run");
  }

  @Test
  void aPathThatIsNotASocketIsRefusedAndKept() throws Exception {
    Path file = dir.resolve("precious.txt");
    Files.writeString(file, "keep me");
    try (VirtioDevices virtio = VirtioDevices.open(List.of(), false, false)) {
      IOException e =
          assertThrows(
              IOException.class, () -> virtio.addVsock(VsockOption.parse("cid=3,uds=" + file)));
      assertEquals("--vsock: " + file + " exists and is not a socket", e.getMessage());
    }
    assertEquals("keep me", Files.readString(file));
  }
}
