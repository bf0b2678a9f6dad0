package io.parasol.paravisor.chipset.pic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 8259A datasheet behaviour of the PC/AT pair, driven through ports, lines and INTA. */
class DualPic8259Test {
  private final List<Boolean> intrChanges = new ArrayList<>();
  private final DualPic8259 pic = new DualPic8259(intrChanges::add);

  private IoRegion regionOf(int port) {
    return switch (port & ~1) {
      case 0x20 -> DualPic8259.MASTER_REGION;
      case 0xA0 -> DualPic8259.SLAVE_REGION;
      case 0x4D0 -> DualPic8259.ELCR_REGION;
      default -> throw new IllegalArgumentException("port " + port);
    };
  }

  private void out(int port, int value) {
    assertEquals(
        IoStatus.OK, pic.writePort(regionOf(port), port & 1, new IoValue(AccessSize.BYTE, value)));
  }

  private int in(int port) {
    IoValue data = IoValue.forRead(AccessSize.BYTE);
    assertEquals(IoStatus.OK, pic.readPort(regionOf(port), port & 1, data));
    return (int) data.value();
  }

  /** Linux's init_8259A (arch/x86/kernel/i8259.c), without AEOI, then all unmasked. */
  private void initLikeLinux() {
    out(0x21, 0xFF);
    out(0x20, 0x11); // ICW1: edge, cascade, ICW4 needed
    out(0x21, 0x30); // ICW2: IRQ0 at vector 0x30
    out(0x21, 0x04); // ICW3: slave on IR2
    out(0x21, 0x01); // ICW4: 8086 mode
    out(0xA0, 0x11);
    out(0xA1, 0x38);
    out(0xA1, 0x02); // ICW3: slave ID 2
    out(0xA1, 0x01);
    out(0x21, 0x00);
    out(0xA1, 0x00);
  }

  private void raise(int irq) {
    pic.irq(irq).setLevel(true);
  }

  private void lower(int irq) {
    pic.irq(irq).setLevel(false);
  }

  private void pulse(int irq) {
    pic.irq(irq).pulse();
  }

  private int masterIsr() {
    out(0x20, 0x0B); // OCW3: read ISR
    return in(0x20);
  }

  private int slaveIsr() {
    out(0xA0, 0x0B);
    return in(0xA0);
  }

  private int masterIrr() {
    out(0x20, 0x0A); // OCW3: read IRR
    return in(0x20);
  }

  @Test
  void linuxInitialisationThenTimerInterrupt() {
    initLikeLinux();
    assertEquals(0x00, in(0x21));
    assertFalse(pic.interruptPending());
    pulse(0);
    assertTrue(pic.interruptPending());
    assertEquals(List.of(true), intrChanges);
    assertEquals(0x30, pic.acknowledgeInterrupt());
    assertFalse(pic.interruptPending());
    assertEquals(0x01, masterIsr());
    out(0x20, 0x20); // non-specific EOI
    assertEquals(0x00, masterIsr());
    assertEquals(List.of(true, false), intrChanges);
  }

  @Test
  void seaBiosVectorBases() {
    for (int[] bases : new int[][] {{0x08, 0x70}, {0x20, 0x28}}) {
      out(0x20, 0x11);
      out(0x21, bases[0]);
      out(0x21, 0x04);
      out(0x21, 0x01);
      out(0xA0, 0x11);
      out(0xA1, bases[1]);
      out(0xA1, 0x02);
      out(0xA1, 0x01);
      pulse(1);
      assertEquals(bases[0] + 1, pic.acknowledgeInterrupt());
      out(0x20, 0x20);
      pulse(14);
      assertEquals(bases[1] + 6, pic.acknowledgeInterrupt());
      out(0xA0, 0x20);
      out(0x20, 0x20);
    }
  }

  @Test
  void icw2LowBitsAreTheIrNumber() {
    out(0x20, 0x13); // single, ICW4 needed: no ICW3
    out(0x21, 0x47); // T7..T3 = 0x40; bits 2..0 ignored
    out(0x21, 0x01); // this is ICW4, not ICW3
    out(0x21, 0x00); // and this is OCW1
    pulse(3);
    assertEquals(0x43, pic.acknowledgeInterrupt());
  }

  @Test
  void irq0BeatsIrq1() {
    initLikeLinux();
    pulse(1);
    pulse(0);
    assertEquals(0x30, pic.acknowledgeInterrupt());
    assertFalse(pic.interruptPending(), "IRQ1 waits while IRQ0 is in service");
    out(0x20, 0x20);
    assertTrue(pic.interruptPending());
    assertEquals(0x31, pic.acknowledgeInterrupt());
  }

  @Test
  void higherPriorityNestsLowerWaits() {
    initLikeLinux();
    pulse(3);
    assertEquals(0x33, pic.acknowledgeInterrupt());
    pulse(5);
    assertFalse(pic.interruptPending(), "IRQ5 is lower than IRQ3 in service");
    pulse(1);
    assertTrue(pic.interruptPending(), "IRQ1 is higher: it nests");
    assertEquals(0x31, pic.acknowledgeInterrupt());
    assertEquals(0x0A, masterIsr());
    out(0x20, 0x20); // non-specific EOI ends the highest in service: IRQ1
    assertEquals(0x08, masterIsr());
    assertFalse(pic.interruptPending());
    out(0x20, 0x20);
    assertEquals(0x35, pic.acknowledgeInterrupt());
  }

  @Test
  void specificEoiEndsTheNamedLevel() {
    initLikeLinux();
    pulse(3);
    pic.acknowledgeInterrupt();
    pulse(1);
    pic.acknowledgeInterrupt();
    out(0x20, 0x63); // specific EOI, level 3
    assertEquals(0x02, masterIsr());
    out(0x20, 0x61);
    assertEquals(0x00, masterIsr());
  }

  @Test
  void autoEoiSetsNoIsrBit() {
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x03); // ICW4: AEOI
    pulse(4);
    assertEquals(0x34, pic.acknowledgeInterrupt());
    assertEquals(0x00, masterIsr());
    pulse(4);
    assertTrue(pic.interruptPending(), "nothing in service blocks the same level again");
  }

  @Test
  void rotateOnNonSpecificEoiMakesTheServicedLevelLowest() {
    initLikeLinux();
    pulse(0);
    assertEquals(0x30, pic.acknowledgeInterrupt());
    out(0x20, 0xA0); // rotate on non-specific EOI
    pulse(0);
    pulse(1);
    assertEquals(0x31, pic.acknowledgeInterrupt(), "IRQ0 is now the lowest priority");
    out(0x20, 0xA0); // IRQ1 lowest: order 2..7, 0, 1
    assertEquals(0x30, pic.acknowledgeInterrupt());
  }

  @Test
  void setPriorityAndRotateOnSpecificEoi() {
    initLikeLinux();
    out(0x20, 0xC4); // set priority: IRQ4 lowest, IRQ5 highest
    pulse(3);
    pulse(6);
    assertEquals(0x36, pic.acknowledgeInterrupt());
    out(0x20, 0xE6); // rotate on specific EOI level 6: IRQ6 lowest, IRQ7 highest
    pulse(7);
    assertEquals(0x37, pic.acknowledgeInterrupt());
    out(0x20, 0x67);
    assertEquals(0x33, pic.acknowledgeInterrupt());
  }

  @Test
  void rotateInAutoEoiMode() {
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x03); // AEOI
    out(0x20, 0x80); // rotate in AEOI mode: set
    pulse(3);
    pulse(5);
    assertEquals(0x33, pic.acknowledgeInterrupt());
    pulse(3);
    assertEquals(0x35, pic.acknowledgeInterrupt(), "IRQ3 rotated to lowest");
    out(0x20, 0x00); // rotate in AEOI mode: clear; order stays 6, 7, 0..5
    assertEquals(0x33, pic.acknowledgeInterrupt());
    pulse(4);
    pulse(5);
    assertEquals(0x34, pic.acknowledgeInterrupt());
    pulse(4);
    assertEquals(0x34, pic.acknowledgeInterrupt(), "no rotation any more: IRQ4 still beats IRQ5");
  }

  @Test
  void maskedRequestsWaitInIrr() {
    initLikeLinux();
    out(0x21, 0x10); // mask IRQ4
    assertEquals(0x10, in(0x21));
    pulse(4);
    assertFalse(pic.interruptPending());
    assertEquals(0x10, masterIrr());
    out(0x21, 0x00);
    assertTrue(pic.interruptPending());
    assertEquals(0x34, pic.acknowledgeInterrupt());
  }

  @Test
  void specialMaskModeLetsLowerLevelsIn() {
    initLikeLinux();
    pulse(3);
    pic.acknowledgeInterrupt();
    out(0x21, 0x08); // mask the level in service
    pulse(5);
    assertFalse(pic.interruptPending(), "fully nested: IRQ3 in service blocks IRQ5");
    out(0x20, 0x68); // OCW3: ESMM + SMM
    assertTrue(pic.interruptPending());
    assertEquals(0x35, pic.acknowledgeInterrupt());
    out(0x20, 0x20); // non-specific EOI in SMM leaves masked IRQ3 alone
    assertEquals(0x08, masterIsr());
    out(0x20, 0x48); // OCW3: ESMM, SMM clear
    out(0x20, 0x63);
    assertEquals(0x00, masterIsr());
  }

  @Test
  void edgeTriggeredNeedsANewRisingEdge() {
    initLikeLinux();
    raise(3);
    assertEquals(0x33, pic.acknowledgeInterrupt());
    out(0x20, 0x20);
    assertFalse(pic.interruptPending(), "line still high but no new edge");
    lower(3);
    raise(3);
    assertTrue(pic.interruptPending());
  }

  @Test
  void levelTriggeredFollowsTheLine() {
    initLikeLinux();
    out(0x4D0, 0x20); // ELCR1: IRQ5 level
    raise(5);
    assertEquals(0x35, pic.acknowledgeInterrupt());
    out(0x20, 0x20);
    assertTrue(pic.interruptPending(), "still high after EOI: requests again");
    assertEquals(0x35, pic.acknowledgeInterrupt());
    lower(5);
    out(0x20, 0x20);
    assertFalse(pic.interruptPending());
    assertEquals(0x00, masterIrr());
  }

  @Test
  void elcrKeepsIsaTimerKeyboardCascadeRtcAndFpuEdge() {
    out(0x4D0, 0xFF);
    out(0x4D1, 0xFF);
    assertEquals(0xF8, in(0x4D0), "IRQ 0, 1, 2 always edge");
    assertEquals(0xDE, in(0x4D1), "IRQ 8 and 13 always edge");
    IoValue word = IoValue.forRead(AccessSize.WORD);
    assertEquals(IoStatus.OK, pic.readPort(DualPic8259.ELCR_REGION, 0, word));
    assertEquals(0xDEF8, word.value());
    assertEquals(
        IoStatus.OK,
        pic.writePort(DualPic8259.ELCR_REGION, 0, new IoValue(AccessSize.WORD, 0x0C20)));
    assertEquals(0x20, in(0x4D0));
    assertEquals(0x0C, in(0x4D1));
  }

  @Test
  void slaveInterruptsCascadeThroughIrq2() {
    initLikeLinux();
    for (int irq = 8; irq < 16; irq++) {
      pulse(irq);
      assertTrue(pic.interruptPending());
      assertEquals(0x38 + irq - 8, pic.acknowledgeInterrupt());
      assertEquals(0x04, masterIsr(), "cascade IR2 in service on the master");
      assertEquals(1 << (irq - 8), slaveIsr());
      out(0xA0, 0x20);
      out(0x20, 0x20);
    }
  }

  @Test
  void slaveRequestsWaitForTheMasterEoi() {
    initLikeLinux();
    pulse(12);
    pic.acknowledgeInterrupt();
    pulse(9);
    assertFalse(pic.interruptPending(), "IR2 in service on the master blocks the slave");
    out(0xA0, 0x20); // Linux EOIs the slave first, then the master
    assertFalse(pic.interruptPending());
    out(0x20, 0x20);
    assertTrue(pic.interruptPending());
    assertEquals(0x39, pic.acknowledgeInterrupt());
  }

  @Test
  void specialFullyNestedModeLetsAHigherSlaveRequestThrough() {
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x11); // ICW4: SFNM, 8086
    out(0xA0, 0x11);
    out(0xA1, 0x38);
    out(0xA1, 0x02);
    out(0xA1, 0x01);
    pulse(12);
    assertEquals(0x3C, pic.acknowledgeInterrupt());
    pulse(9);
    assertTrue(pic.interruptPending());
    assertEquals(0x39, pic.acknowledgeInterrupt());
    pulse(14);
    assertFalse(pic.interruptPending(), "lower slave requests still wait");
  }

  @Test
  void spuriousIrq7WhenALevelRequestGoesAway() {
    initLikeLinux();
    out(0x4D0, 0x20);
    raise(5);
    assertTrue(pic.interruptPending());
    lower(5);
    assertEquals(0x37, pic.acknowledgeInterrupt());
    assertEquals(0x00, masterIsr(), "no ISR bit for a spurious interrupt");
  }

  @Test
  void spuriousIrq15LeavesTheCascadeInService() {
    initLikeLinux();
    out(0x4D1, 0x04); // IRQ10 level
    raise(10);
    assertTrue(pic.interruptPending());
    lower(10);
    assertEquals(0x3F, pic.acknowledgeInterrupt());
    assertEquals(0x00, slaveIsr());
    assertEquals(0x04, masterIsr(), "the master acknowledged IR2; the handler must EOI it");
  }

  @Test
  void pollCommandActsAsAcknowledge() {
    initLikeLinux();
    out(0x20, 0x0C); // OCW3: poll
    assertEquals(0x00, in(0x20) & 0x80, "no request: I = 0");
    pulse(6);
    pulse(4);
    out(0x20, 0x0C);
    assertEquals(0x84, in(0x20));
    assertEquals(0x10, masterIsr());
    out(0x20, 0x0C);
    assertEquals(0x00, in(0x20) & 0x80, "IRQ6 is lower than IRQ4 in service");
    out(0x20, 0x20);
    out(0x20, 0x0C);
    assertEquals(0x86, in(0x21), "the poll word is on either port");
    assertEquals(0x00, in(0x21), "the next read is IMR again");
  }

  @Test
  void ocw3SelectsIrrOrIsrAndTheSelectionSticks() {
    initLikeLinux();
    out(0x21, 0xFF);
    pulse(1);
    pulse(6);
    out(0x20, 0x0A);
    assertEquals(0x42, in(0x20));
    assertEquals(0x42, in(0x20));
    out(0x20, 0x0B);
    assertEquals(0x00, in(0x20));
    out(0x20, 0x08); // OCW3 with RR = 0: no change
    assertEquals(0x00, in(0x20));
  }

  @Test
  void icw1ResetsEdgeSenseAndMask() {
    initLikeLinux();
    out(0x21, 0xFF);
    raise(4);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x01);
    assertEquals(0x00, in(0x21), "IMR cleared");
    assertFalse(pic.interruptPending(), "latched request forgotten; the line must rise again");
    lower(4);
    raise(4);
    assertEquals(0x34, pic.acknowledgeInterrupt());
  }

  @Test
  void intrOutputFollowsTheMasterIntr() {
    initLikeLinux();
    pulse(9);
    pulse(1);
    assertEquals(List.of(true), intrChanges, "told once per change");
    pic.acknowledgeInterrupt();
    assertEquals(List.of(true, false), intrChanges);
  }

  @Test
  void irq2IsTheCascadeNotAnInput() {
    initLikeLinux();
    pulse(2);
    assertFalse(pic.interruptPending());
    assertThrows(IllegalArgumentException.class, () -> pic.irq(16));
  }

  @Test
  void widerAccessesAreRefused() {
    for (IoRegion region : pic.portRegions()) {
      for (AccessSize size : new AccessSize[] {AccessSize.DWORD, AccessSize.QWORD}) {
        assertEquals(IoStatus.INVALID_ACCESS_SIZE, pic.readPort(region, 0, IoValue.forRead(size)));
        assertEquals(IoStatus.INVALID_ACCESS_SIZE, pic.writePort(region, 0, new IoValue(size, 0)));
      }
    }
    assertEquals(
        IoStatus.INVALID_ACCESS_SIZE,
        pic.writePort(DualPic8259.MASTER_REGION, 0, new IoValue(AccessSize.WORD, 0x11)));
    assertEquals(
        IoStatus.INVALID_REGISTER,
        pic.readPort(DualPic8259.MASTER_REGION, 2, IoValue.forRead(AccessSize.BYTE)));
  }

  @Test
  void anySequenceOfAccessesIsAccepted() {
    Random random = new Random(8259);
    int[] ports = {0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1};
    for (int i = 0; i < 100_000; i++) {
      int port = ports[random.nextInt(ports.length)];
      switch (random.nextInt(4)) {
        case 0 -> out(port, random.nextInt(256));
        case 1 -> in(port);
        case 2 -> pic.irq(random.nextInt(16)).setLevel(random.nextBoolean());
        default -> {
          if (pic.interruptPending()) {
            pic.acknowledgeInterrupt();
          }
        }
      }
    }
  }
}
