package io.parasol.paravisor.chipset.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Port 0x80 POST codes and the Bochs/QEMU 0xE9 debug console. */
class DebugPortsTest {
  @Test
  void postCodeRemembersLastByte() {
    PostCodePort post = new PostCodePort();
    assertEquals(0xFF, post.lastCode());
    post.writePort(post.portRegions().get(0), 0, new IoValue(AccessSize.BYTE, 0x12));
    post.writePort(post.portRegions().get(0), 0, new IoValue(AccessSize.BYTE, 0x34));
    assertEquals(0x34, post.lastCode());
    IoValue v = IoValue.forRead(AccessSize.BYTE);
    post.readPort(post.portRegions().get(0), 0, v);
    assertEquals(0x34, v.value());
  }

  @Test
  void debugConsoleForwardsBytesAndReadsE9() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    DebugConsolePort con = new DebugConsolePort(captured::write);
    for (byte b : "hi\n".getBytes(StandardCharsets.US_ASCII)) {
      assertEquals(
          IoStatus.OK, con.writePort(con.portRegions().get(0), 0, new IoValue(AccessSize.BYTE, b)));
    }
    assertEquals("hi\n", captured.toString(StandardCharsets.US_ASCII));
    IoValue v = IoValue.forRead(AccessSize.BYTE);
    con.readPort(con.portRegions().get(0), 0, v);
    assertEquals(0xE9, v.value());
    assertEquals(0xE9, con.portRegions().get(0).base());
  }
}
