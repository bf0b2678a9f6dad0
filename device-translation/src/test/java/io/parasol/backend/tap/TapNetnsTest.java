package io.parasol.backend.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.net.NetHeader;
import io.parasol.virtio.net.VirtioNet;
import io.parasol.virtio.queue.MockDriver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * virtio-net over a real TAP interface whose other end is the kernel's stack in a network namespace
 * the test creates: a guest-side ICMP echo request gets the peer's echo reply, with both checksums
 * verified. Needs root and /dev/net/tun (skipped with the reason otherwise).
 */
class TapNetnsTest {
  static final byte[] GUEST_MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
  static final byte[] GUEST_IP = {10, 99, 0, 2};
  static final byte[] PEER_IP = {10, 99, 0, 1};
  private final String namespace = "parasol-vnet-" + ProcessHandle.current().pid();
  private boolean namespaceMade;

  @BeforeEach
  void requireRootAndTun() {
    assumeTrue(Files.isWritable(Path.of("/dev/net/tun")), "skipped: no writable /dev/net/tun");
    assumeTrue("root".equals(System.getProperty("user.name")), "skipped: creating TAPs needs root");
  }

  @AfterEach
  void removeNamespace() throws Exception {
    if (namespaceMade) {
      run("ip", "netns", "del", namespace);
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
  }

  @Test
  void aGuestPingsAPeerInAnotherNamespace() throws Exception {
    try (TapDevice tap = TapDevice.open("");
        HostBufferPool pool = HostBufferPool.ofPrivateMemory(VirtioNet.poolBytes())) {
      String dev = tap.name();
      run("ip", "netns", "add", namespace);
      namespaceMade = true;
      run("ip", "link", "set", dev, "netns", namespace);
      run("ip", "-n", namespace, "addr", "add", "10.99.0.1/24", "dev", dev);
      run("ip", "-n", namespace, "link", "set", dev, "up");
      run(
          "ip",
          "-n",
          namespace,
          "neigh",
          "add",
          "10.99.0.2",
          "lladdr",
          "52:54:00:12:34:56",
          "dev",
          dev,
          "nud",
          "permanent");
      try (VirtioNet net = new VirtioNet(tap, GUEST_MAC, pool)) {
        // The guest takes every offload (as Linux does), so the TAP may hand over partial
        // checksums.
        DeviceHarness h = new DeviceHarness(net, false, true, ~0L);
        MockDriver rx = h.driver(0);
        for (int i = 0; i < 16; i++) {
          rx.add(List.of(), List.of(2048));
        }
        h.core.notify(0);
        byte[] payload = "parasol virtio-net over TAP".getBytes(StandardCharsets.US_ASCII);
        MockDriver tx = h.driver(1);
        byte[] request = echoRequest(0x4242, 7, payload);
        tx.add(List.of(new byte[NetHeader.BYTES], request), List.of());
        h.core.notify(1);

        byte[] reply = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reply == null && System.nanoTime() < deadline) {
          h.awaitUntil("a received frame", () -> net.rxPackets() > 0);
          for (MockDriver.Used u; (u = rx.pollUsed()) != null; ) {
            byte[] f = rx.lastUsedWritten(u.length());
            byte[] frame = Arrays.copyOfRange(f, NetHeader.BYTES, f.length);
            if (isEchoReply(frame)) {
              reply = frame;
            }
          }
        }
        assertNotNull(reply, "an echo reply from " + dev + " in " + namespace);
        assertArrayEquals(GUEST_MAC, Arrays.copyOfRange(reply, 0, 6), "to the guest's MAC");
        assertEquals(0, checksum(reply, 14, 20), "IPv4 header checksum");
        int ipTotal = ((reply[16] & 0xFF) << 8) | (reply[17] & 0xFF);
        assertEquals(0, checksum(reply, 34, ipTotal - 20), "ICMP checksum");
        assertEquals(0x4242, ((reply[38] & 0xFF) << 8) | (reply[39] & 0xFF), "identifier");
        assertArrayEquals(payload, Arrays.copyOfRange(reply, 42, 42 + payload.length));
        // The count goes up after the write returns, which can be after the reply arrived.
        h.awaitUntil("the request counted as sent", () -> net.txPackets() == 1);
        h.core.setStatus(0);
      }
    }
  }

  private static boolean isEchoReply(byte[] f) {
    return f.length >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1 && f[34] == 0;
  }

  /** Ethernet + IPv4 + ICMP echo request from the guest to the peer, checksums filled in. */
  static byte[] echoRequest(int id, int seq, byte[] payload) {
    int icmpBytes = 8 + payload.length;
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + icmpBytes);
    b.put(
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    b.put(GUEST_MAC).putShort((short) 0x0800);
    b.put((byte) 0x45)
        .put((byte) 0)
        .putShort((short) (20 + icmpBytes))
        .putShort((short) 1)
        .putShort((short) 0x4000)
        .put((byte) 64)
        .put((byte) 1)
        .putShort((short) 0)
        .put(GUEST_IP)
        .put(PEER_IP);
    b.put((byte) 8)
        .put((byte) 0)
        .putShort((short) 0)
        .putShort((short) id)
        .putShort((short) seq)
        .put(payload);
    byte[] f = b.array();
    int ipSum = checksum(f, 14, 20);
    f[24] = (byte) (ipSum >> 8);
    f[25] = (byte) ipSum;
    int icmpSum = checksum(f, 34, icmpBytes);
    f[36] = (byte) (icmpSum >> 8);
    f[37] = (byte) icmpSum;
    return f;
  }

  /** The Internet checksum (RFC 1071); 0 over data that carries a correct checksum. */
  static int checksum(byte[] b, int from, int length) {
    long sum = 0;
    for (int i = 0; i < length; i += 2) {
      int hi = b[from + i] & 0xFF;
      int lo = i + 1 < length ? b[from + i + 1] & 0xFF : 0;
      sum += (hi << 8) | lo;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (int) (~sum & 0xFFFF);
  }
}
