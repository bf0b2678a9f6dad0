package io.parasol.paravisor.chipset.i8042;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.paravisor.chipset.PowerControl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte sequences Linux's i8042, atkbd and psmouse drivers send, and the reset paths. */
class I8042Test {
  private final List<String> resets = new ArrayList<>();
  private final Line irq1 = new Line();
  private final Line irq12 = new Line();
  private final I8042 kbc =
      new I8042(
          irq1,
          irq12,
          new PowerControl() {
            @Override
            public void powerOff(String source) {
              throw new AssertionError("no power-off expected");
            }

            @Override
            public void reset(String source) {
              resets.add(source);
            }
          });

  static final class Line implements InterruptLine {
    boolean level;
    int risingEdges;

    @Override
    public void setLevel(boolean asserted) {
      if (asserted && !level) {
        risingEdges++;
      }
      level = asserted;
    }
  }

  private IoRegion region(int port) {
    return kbc.portRegions().get(port == 0x60 ? 0 : 1);
  }

  private void out(int port, int value) {
    assertEquals(IoStatus.OK, kbc.writePort(region(port), 0, new IoValue(AccessSize.BYTE, value)));
  }

  private int in(int port) {
    IoValue v = IoValue.forRead(AccessSize.BYTE);
    assertEquals(IoStatus.OK, kbc.readPort(region(port), 0, v));
    return (int) v.value();
  }

  /** Linux's i8042_wait_read + read: OBF must be set. */
  private int readData() {
    assertEquals(1, in(0x64) & 1, "OBF");
    return in(0x60);
  }

  private void assertEmpty() {
    assertEquals(0, in(0x64) & 1, "output buffer empty");
  }

  @Test
  void linuxControllerProbe() {
    // i8042_flush: nothing pending.
    assertEmpty();
    // i8042_controller_selftest: I8042_CMD_CTL_TEST.
    out(0x64, 0xAA);
    assertEquals(0x08, in(0x64) & 0x08, "A2: last write was a command");
    assertEquals(0x55, readData());
    assertEmpty();
    // i8042_controller_init: read CTR.
    out(0x64, 0x20);
    int ctr = readData();
    assertEquals(0x47, ctr);
    // Disable the keyboard and its interrupt, as Linux does before probing, and write CTR.
    ctr = (ctr | 0x10) & ~0x01 & ~0x02;
    out(0x64, 0x60);
    out(0x60, ctr);
    assertEquals(0, in(0x64) & 0x08, "A2 clear after a data write");
    int edgesBefore = irq1.risingEdges; // the firmware CTR had INT set: the self test interrupted
    out(0x64, 0x20);
    assertEquals(ctr, readData());
    assertEquals(0x04, in(0x64) & 0x04, "SYS flag follows the CTR");
    // Keyboard and aux interface tests.
    out(0x64, 0xAB);
    assertEquals(0x00, readData());
    out(0x64, 0xA9);
    assertEquals(0x00, readData());
    assertEquals(edgesBefore, irq1.risingEdges, "interrupts disabled in the CTR");
  }

  @Test
  void auxProbeLoopbackAndAuxDisableBit() {
    out(0x64, 0xD3); // I8042_CMD_AUX_LOOP
    out(0x60, 0x5A);
    assertEquals(0x21, in(0x64) & 0x21, "OBF with AUXDATA");
    assertTrue(irq12.level);
    assertEquals(0x5A, in(0x60));
    assertFalse(irq12.level);
    out(0x64, 0xA7);
    out(0x64, 0x20);
    assertEquals(0x20, readData() & 0x20);
    out(0x64, 0xA8);
    out(0x64, 0x20);
    assertEquals(0, readData() & 0x20);
  }

  @Test
  void keyboardResetWithInterruptsGivesAnEdgePerByte() {
    out(0x60, 0xFF); // ATKBD_CMD_RESET_BAT
    assertTrue(irq1.level);
    assertEquals(0xFA, readData());
    assertTrue(irq1.level);
    assertEquals(0xAA, readData());
    assertFalse(irq1.level);
    assertEquals(2, irq1.risingEdges);
    assertEmpty();
  }

  @Test
  void keyboardCommandsAck() {
    out(0x60, 0xF2); // ATKBD_CMD_GETID, translated
    assertEquals(0xFA, readData());
    assertEquals(0xAB, readData());
    assertEquals(0x41, readData());
    out(0x60, 0xED); // LEDs
    assertEquals(0xFA, readData());
    out(0x60, 0x07);
    assertEquals(0xFA, readData());
    out(0x60, 0xF3); // typematic
    assertEquals(0xFA, readData());
    out(0x60, 0x20);
    assertEquals(0xFA, readData());
    out(0x60, 0xF0); // get scan code set
    assertEquals(0xFA, readData());
    out(0x60, 0x00);
    assertEquals(0xFA, readData());
    assertEquals(0x41, readData());
    out(0x60, 0xF4);
    assertEquals(0xFA, readData());
    out(0x60, 0xF5);
    assertEquals(0xFA, readData());
    out(0x64, 0x60);
    out(0x60, 0x07); // no translation
    out(0x60, 0xF2);
    assertEquals(0xFA, readData());
    assertEquals(0xAB, readData());
    assertEquals(0x83, readData());
  }

  @Test
  void mouseResetThroughD4() {
    out(0x64, 0xD4);
    out(0x60, 0xFF);
    assertEquals(0x21, in(0x64) & 0x21);
    assertEquals(0xFA, readData());
    assertEquals(0xAA, readData());
    assertEquals(0x00, readData());
    out(0x64, 0xD4);
    out(0x60, 0xF2);
    assertEquals(0xFA, readData());
    assertEquals(0x00, readData());
    assertEquals(3 + 2, irq12.risingEdges);
  }

  @Test
  void writeKeyboardOutputBuffer() {
    out(0x64, 0xD2);
    out(0x60, 0x1C);
    assertEquals(0x01, in(0x64) & 0x21);
    assertEquals(0x1C, in(0x60));
  }

  @Test
  void resetPaths() {
    out(0x64, 0xFF); // pulse nothing
    assertEquals(List.of(), resets);
    out(0x64, 0xFE);
    assertEquals(1, resets.size());
    out(0x64, 0xF0); // pulses bits 0-3
    assertEquals(2, resets.size());
    out(0x64, 0xF1); // bit 0 set: no reset pulse
    assertEquals(2, resets.size());
    out(0x64, 0xD0);
    assertEquals(0xCF, readData(), "reset high, A20 on");
    out(0x64, 0xD1);
    out(0x60, 0x03);
    assertEquals(2, resets.size());
    out(0x64, 0xD1);
    out(0x60, 0x02);
    assertEquals(3, resets.size());
  }

  @Test
  void queueIsBoundedAndWideAccessRefused() {
    for (int i = 0; i < 100; i++) {
      out(0x64, 0xAA);
    }
    int count = 0;
    while ((in(0x64) & 1) != 0) {
      in(0x60);
      count++;
    }
    assertEquals(I8042.QUEUE_LIMIT + 1, count);
    assertEquals(0x55, in(0x60), "an empty buffer reads its last byte");
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE,
        kbc.readPort(region(0x60), 0, IoValue.forRead(AccessSize.WORD)));
  }
}
