package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parasol.backend.tap.TapDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code parasol run --net tap:NAME[,mac=MAC]}: the value's syntax, and the NIC VirtioDevices makes
 * on a TAP it creates, on one the user made beforehand (persistent, left in place), and on one that
 * is busy (a clear error naming it). The TAP tests need root and /dev/net/tun.
 */
class NetOptionTest {
  @Test
  void valuesParse() {
    NetOption plain = NetOption.parse("tap:ptap0");
    assertEquals("ptap0", plain.tapName());
    assertArrayEquals(new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x56}, plain.macFor(0));
    assertArrayEquals(new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x58}, plain.macFor(2));
    NetOption withMac = NetOption.parse("tap:t1,mac=02:AB:cd:00:00:01");
    assertArrayEquals(new byte[] {2, (byte) 0xab, (byte) 0xcd, 0, 0, 1}, withMac.macFor(3));
    assertEquals("", NetOption.parse("tap:").tapName(), "the kernel picks the name");
  }

  @Test
  void badValuesSayWhatIsWrong() {
    for (String bad :
        List.of(
            "ptap0",
            "tap0",
            "user:x",
            "tap:a,b",
            "tap:a,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> NetOption.parse(bad), bad);
      assertTrue(e.getMessage().contains("--net takes tap:NAME"), e.getMessage());
    }
    for (String bad : List.of("tap:a/b", "tap:a b", "tap:sixteen-chars-xy", "tap:..", "tap:a:b")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> NetOption.parse(bad), bad);
      assertTrue(e.getMessage().contains("is not a network interface name"), e.getMessage());
    }
    for (String bad : List.of("52:54:00:12:34", "52-54-00-12-34-56", "zz:54:00:12:34:56")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> NetOption.parse("tap:t,mac=" + bad), bad);
      assertTrue(e.getMessage().contains("is not a MAC address"), e.getMessage());
    }
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> NetOption.parse("tap:t,mac=01:00:5e:00:00:01"))
            .getMessage()
            .contains("multicast"));
    assertThrows(
        IllegalArgumentException.class, () -> NetOption.parse("tap:t,mac=00:00:00:00:00:00"));
  }

  private static void requireRootAndTun() {
    assumeTrue(Files.isWritable(Path.of("/dev/net/tun")), "skipped: no writable /dev/net/tun");
    assumeTrue("root".equals(System.getProperty("user.name")), "skipped: TAPs need root");
  }

  private static String ip(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }

  /** IFF_VNET_HDR in the interface's tun_flags: a process has it open the way Parasol does. */
  private static boolean attachedWithVnetHeaders(String name) throws IOException {
    Path flags = Path.of("/sys/class/net", name, "tun_flags");
    return (Integer.decode(Files.readString(flags).strip()) & 0x4000) != 0;
  }

  @Test
  void aTapThatDoesNotExistIsCreatedAndGoesAwayWithTheRun() throws Exception {
    requireRootAndTun();
    String name = "pnew" + ProcessHandle.current().pid() % 100000;
    try (VirtioDevices virtio = VirtioDevices.open(List.of(), false, false)) {
      virtio.addNet(NetOption.parse("tap:" + name), 0, false);
      assertEquals(List.of(name), virtio.tapNames());
      assertTrue(Files.exists(Path.of("/sys/class/net", name)), name + " was created");
      assertTrue(attachedWithVnetHeaders(name));
    }
    assertFalse(Files.exists(Path.of("/sys/class/net", name)), "a TAP Parasol made is gone");
  }

  @Test
  void aTapTheUserMadeIsAttachedAndLeftInPlace() throws Exception {
    requireRootAndTun();
    String name = "pusr" + ProcessHandle.current().pid() % 100000;
    ip("tuntap", "add", "dev", name, "mode", "tap");
    try {
      try (VirtioDevices virtio = VirtioDevices.open(List.of(), false, true)) {
        virtio.addNet(NetOption.parse("tap:" + name + ",mac=02:00:00:00:00:07"), 0, true);
        assertEquals(List.of(name), virtio.tapNames());
        assertTrue(attachedWithVnetHeaders(name));
      }
      assertTrue(Files.exists(Path.of("/sys/class/net", name)), "the user's TAP stays");
    } finally {
      ip("link", "del", name);
    }
  }

  @Test
  void aBusyTapIsOneSentenceNamingIt() throws Exception {
    requireRootAndTun();
    try (TapDevice holder = TapDevice.open("");
        VirtioDevices virtio = VirtioDevices.open(List.of(), false, false)) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> virtio.addNet(NetOption.parse("tap:" + holder.name()), 0, false));
      assertTrue(
          e.getMessage().startsWith("the TAP interface '" + holder.name() + "' cannot be opened"),
          e.getMessage());
      assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
      assertTrue(virtio.tapNames().isEmpty());
    }
  }
}
