package io.parasol.virtio.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.queue.MockDriver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtioConsoleTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void guestOutputReachesTheHostStream() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DeviceHarness h = new DeviceHarness(new VirtioConsole(out, 80, 25), true, false, ~0L);
    MockDriver tx = h.driver(VirtioConsole.TRANSMIT_QUEUE);
    tx.add(List.of(ascii("Linux version "), ascii("6.1\n")), List.of());
    tx.add(List.of(ascii("login: ")), List.of());
    h.core.notify(VirtioConsole.TRANSMIT_QUEUE);
    assertEquals("Linux version 6.1\nlogin: ", out.toString(StandardCharsets.US_ASCII));
    assertEquals(0, tx.pollUsed().length());
  }

  @Test
  void hostInputWaitsForReceiveBuffersAndIsSplitAcrossThem() throws Exception {
    VirtioConsole console = new VirtioConsole(new ByteArrayOutputStream(), 80, 25);
    DeviceHarness h = new DeviceHarness(console, false, false, ~0L);
    MockDriver rx = h.driver(VirtioConsole.RECEIVE_QUEUE);
    console.receive(ascii("root\npassword\n"));
    assertNull(rx.pollUsed(), "no buffers posted yet");
    rx.add(List.of(), List.of(5));
    rx.add(List.of(), List.of(64));
    h.core.notify(VirtioConsole.RECEIVE_QUEUE);
    MockDriver.Used first = rx.pollUsed();
    assertEquals(5, first.length());
    assertArrayEquals(ascii("root\n"), rx.lastUsedWritten(5));
    MockDriver.Used second = rx.pollUsed();
    assertArrayEquals(ascii("password\n"), rx.lastUsedWritten(second.length()));
  }

  @Test
  void inputBeyondTheLimitIsDroppedAndCounted() {
    VirtioConsole console = new VirtioConsole(new ByteArrayOutputStream(), 80, 25);
    console.receive(new byte[VirtioConsole.MAX_PENDING_INPUT + 10]);
    assertEquals(10, console.droppedInputBytes());
  }

  @Test
  void configSpaceAndEmergencyWrite() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DeviceHarness h = new DeviceHarness(new VirtioConsole(out, 132, 43), false, false, ~0L);
    byte[] cfg = new byte[4];
    h.core.readConfig(0, cfg);
    assertArrayEquals(new byte[] {(byte) 132, 0, 43, 0}, cfg);
    h.core.writeConfig(8, new byte[] {'!', 0, 0, 0});
    assertEquals("!", out.toString(StandardCharsets.US_ASCII));
  }
}
