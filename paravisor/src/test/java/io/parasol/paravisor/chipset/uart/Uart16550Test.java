package io.parasol.paravisor.chipset.uart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.time.ManualTimeSource;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Behaviour from the PC16550D datasheet, checked through the guest's port accesses. */
class Uart16550Test {
  // Register offsets, PC16550D datasheet Table II.
  private static final int RBR = 0;
  private static final int THR = 0;
  private static final int DLL = 0;
  private static final int IER = 1;
  private static final int DLM = 1;
  private static final int IIR = 2;
  private static final int FCR = 2;
  private static final int LCR = 3;
  private static final int MCR = 4;
  private static final int LSR = 5;
  private static final int MSR = 6;
  private static final int SCR = 7;

  private static final int MCR_OUT2 = 0x08;
  private static final int MCR_LOOP = 0x10;

  private final ManualTimeSource time = new ManualTimeSource();
  private final CapturingSerialBackend backend = new CapturingSerialBackend();
  private final RecordingLine line = new RecordingLine();
  private final Uart16550 uart = PcComPort.COM1.create(line, backend, time);

  private static final class RecordingLine implements io.parasol.machine.irq.InterruptLine {
    boolean level;

    @Override
    public void setLevel(boolean asserted) {
      level = asserted;
    }
  }

  private int in(int offset) {
    IoValue data = IoValue.forRead(AccessSize.BYTE);
    assertEquals(IoStatus.OK, uart.readPort(PcComPort.COM1.region(), offset, data));
    return (int) data.value();
  }

  private void out(int offset, int value) {
    assertEquals(
        IoStatus.OK,
        uart.writePort(PcComPort.COM1.region(), offset, new IoValue(AccessSize.BYTE, value)));
  }

  @Test
  void resetStateMatchesDatasheetTable() {
    // PC16550D datasheet, "UART Reset Configuration".
    assertEquals(0x00, in(IER));
    assertEquals(0x01, in(IIR));
    assertEquals(0x00, in(LCR));
    assertEquals(0x00, in(MCR));
    assertEquals(0x60, in(LSR));
    assertEquals(0x00, in(MSR) & 0x0F);
    assertFalse(line.level);
  }

  @Test
  void divisorLatchIsReachedOnlyWithDlab() {
    out(LCR, 0x83);
    out(DLL, 0x01);
    out(DLM, 0x02);
    assertEquals(0x01, in(DLL));
    assertEquals(0x02, in(DLM));
    out(LCR, 0x03);
    assertEquals(0x00, in(IER), "IER was not written through DLM");
    assertEquals(0x03, in(LCR));
    out(THR, 'A');
    assertEquals("A", backend.writtenText(), "THR, not DLL, once DLAB is clear");
  }

  @Test
  void transmittedBytesReachTheBackendAndTransmitterIsEmpty() {
    out(LCR, 0x03);
    for (char c : "hello".toCharArray()) {
      out(THR, c);
    }
    assertEquals("hello", backend.writtenText());
    assertEquals(0x60, in(LSR) & 0x60, "THRE and TEMT");
  }

  @Test
  void hostEndIsABytePipeWhateverTheWordLength() {
    // Parasol's documented choice: LCR resets to 5-bit characters, yet bytes pass whole.
    out(THR, 0xFF);
    assertArrayEquals(new byte[] {(byte) 0xFF}, backend.written());
  }

  @Test
  void thrEmptyInterruptClearedByReadingIirAndSetAgainByWritingThr() {
    out(MCR, MCR_OUT2);
    out(IER, 0x02); // ETBEI: THR is empty, so the interrupt is raised
    assertTrue(line.level);
    assertEquals(0x02, in(IIR));
    // Table IV: reading IIR when THRE is the source resets it.
    assertFalse(line.level);
    assertEquals(0x01, in(IIR));
    out(THR, 'x');
    assertTrue(line.level, "THR empties again after the write");
    assertEquals(0x02, in(IIR));
  }

  @Test
  void out2GatesTheInterruptOutput() {
    out(IER, 0x02);
    out(MCR, 0x00);
    assertFalse(line.level, "no OUT2: the PC's IRQ buffer is off");
    out(MCR, MCR_OUT2);
    assertTrue(line.level);
    out(MCR, 0x00);
    assertFalse(line.level);
    assertEquals(0x02, in(IIR), "the UART itself still has the interrupt pending");
  }

  @Test
  void receivedDataInNonFifoMode() {
    out(MCR, MCR_OUT2);
    out(IER, 0x01);
    assertFalse(line.level);
    backend.inject((byte) 'x');
    assertEquals(0x01, in(LSR) & 0x01, "DR");
    assertTrue(line.level);
    assertEquals(0x04, in(IIR), "received data available");
    assertEquals('x', in(RBR));
    assertEquals(0x00, in(LSR) & 0x01);
    assertEquals(0x01, in(IIR));
    assertFalse(line.level);
  }

  @Test
  void readingAnEmptyReceiverRepeatsTheLastCharacter() {
    out(FCR, 0x01);
    backend.inject("pq");
    assertEquals('p', in(RBR));
    assertEquals('q', in(RBR));
    assertEquals('q', in(RBR));
    assertEquals(0x00, in(LSR) & 0x01);
  }

  @Test
  void overrunInNonFifoModeOverwritesTheHeldCharacter() {
    backend.inject((byte) 'a', (byte) 'b');
    int lsr = in(LSR);
    assertEquals(0x03, lsr & 0x03, "OE and DR");
    assertEquals(0x00, in(LSR) & 0x02, "reading LSR clears OE");
    assertEquals('b', in(RBR));
  }

  @Test
  void receiverLineStatusHasPriorityOverReceivedData() {
    out(MCR, MCR_OUT2);
    out(IER, 0x0F);
    backend.inject((byte) 'a', (byte) 'b'); // overrun
    assertEquals(0x06, in(IIR));
    in(LSR); // clears the line status interrupt
    assertEquals(0x04, in(IIR));
    in(RBR);
    assertEquals(0x02, in(IIR), "THRE comes next");
    assertEquals(0x01, in(IIR));
  }

  @Test
  void modemStatusIsTheLowestPriority() {
    out(MCR, MCR_LOOP); // CTS, DSR, DCD drop: delta bits set
    out(IER, 0x0A); // ETBEI and EDSSI
    assertEquals(0x02, in(IIR), "THRE beats modem status");
    assertEquals(0x00, in(IIR), "modem status: bit 0 clear, id 000");
    assertEquals(0x0B, in(MSR) & 0x0F);
    assertEquals(0x01, in(IIR), "reading MSR cleared the deltas");
  }

  @Test
  void fifoModeShowsInIirAndHonoursTriggerLevel() {
    out(MCR, MCR_OUT2);
    out(FCR, 0x41); // enable, trigger level 4
    out(IER, 0x01);
    assertEquals(0xC1, in(IIR));
    backend.inject("abc");
    assertEquals(0xC1, in(IIR), "3 < trigger level");
    assertFalse(line.level);
    backend.inject("d");
    assertEquals(0xC4, in(IIR));
    assertTrue(line.level);
    assertEquals('a', in(RBR));
    assertEquals(0xC1, in(IIR), "below the trigger level again");
    assertEquals('b', in(RBR));
    assertEquals('c', in(RBR));
    assertEquals('d', in(RBR));
    assertEquals(0x00, in(LSR) & 0x01);
  }

  @Test
  void triggerLevelsAreOneFourEightFourteen() {
    int[][] cases = {{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xC1, 14}};
    out(IER, 0x01);
    for (int[] c : cases) {
      out(FCR, c[0] | 0x02);
      for (int i = 1; i <= 16; i++) {
        backend.inject((byte) i);
        int expected = i >= c[1] ? 0xC4 : 0xC1;
        assertEquals(expected, in(IIR), "FCR 0x" + Integer.toHexString(c[0]) + ", " + i + " bytes");
      }
    }
  }

  @Test
  void characterTimeoutAfterFourCharacterTimes() {
    out(LCR, 0x83);
    out(DLL, 1); // 115200 baud: 8N1 is 10 bits, 86.8 us a character
    out(DLM, 0);
    out(LCR, 0x03);
    out(MCR, MCR_OUT2);
    out(FCR, 0xC1); // trigger level 14
    out(IER, 0x01);
    backend.inject("ab");
    time.advance(340_000);
    assertEquals(0xC1, in(IIR), "less than four character times");
    time.advance(10_000);
    assertEquals(0xCC, in(IIR), "character timeout");
    assertTrue(line.level);
    assertEquals('a', in(RBR));
    assertEquals(0xC1, in(IIR), "reading a character clears the timeout and restarts the timer");
    assertFalse(line.level);
    time.advance(350_000);
    assertEquals(0xCC, in(IIR));
    assertEquals('b', in(RBR));
    time.advance(1_000_000);
    assertEquals(0xC1, in(IIR), "no timeout with an empty FIFO");
  }

  @Test
  void noCharacterTimeoutInNonFifoMode() {
    out(IER, 0x01);
    backend.inject("a");
    time.advance(100_000_000);
    assertEquals(0x04, in(IIR));
  }

  @Test
  void fifoOverrunKeepsTheFirstSixteenCharacters() {
    out(FCR, 0x01);
    for (int i = 0; i < 17; i++) {
      backend.inject((byte) i);
    }
    assertEquals(0x02, in(LSR) & 0x02, "OE");
    for (int i = 0; i < 16; i++) {
      assertEquals(i, in(RBR));
    }
    assertEquals(0x00, in(LSR) & 0x01, "the 17th character was not transferred");
  }

  @Test
  void fifoResetBitClearsTheReceiveFifo() {
    out(FCR, 0x01);
    backend.inject("xyz");
    out(FCR, 0x03); // RCVR FIFO reset
    assertEquals(0x00, in(LSR) & 0x01);
    assertEquals(0xC1, in(IIR), "FIFO stays enabled; the reset bit is self-clearing");
  }

  @Test
  void leavingFifoModeClearsTheFifo() {
    out(FCR, 0x01);
    backend.inject("xyz");
    out(FCR, 0x00);
    assertEquals(0x00, in(LSR) & 0x01);
    assertEquals(0x01, in(IIR), "16450 mode: IIR bits 7..6 clear");
  }

  @Test
  void otherFcrBitsNeedFifoEnable() {
    out(FCR, 0xC0); // trigger bits without FCR0
    out(FCR, 0x01); // enable only: the trigger level is 1, not 14
    out(IER, 0x01);
    backend.inject("a");
    assertEquals(0xC4, in(IIR));
  }

  @Test
  void breakIsReportedWithTheCharacterAtTheTopOfTheFifo() {
    out(MCR, MCR_OUT2);
    out(FCR, 0x01);
    out(IER, 0x04); // ELSI
    backend.inject("a");
    backend.injectBreak();
    backend.inject("b");
    assertEquals(0x80, in(LSR) & 0x90, "FIFO error, but BI not yet: 'a' is on top");
    assertEquals(0xC1, in(IIR));
    assertEquals('a', in(RBR));
    assertTrue(line.level, "BI revealed as the break character reaches the top");
    assertEquals(0xC6, in(IIR));
    assertEquals(0x91, in(LSR) & 0x91, "BI, FIFO error, DR");
    assertEquals(0xC1, in(IIR));
    assertEquals(0x00, in(LSR) & 0x90, "no further errors in the FIFO: bit 7 clears");
    assertEquals(0, in(RBR), "a break is a zero character");
    assertEquals('b', in(RBR));
  }

  @Test
  void loopbackSendsTransmittedBytesToTheReceiver() {
    out(MCR, MCR_LOOP);
    out(THR, 'z');
    assertEquals(0, backend.written().length, "serial output held marking");
    assertEquals(0x01, in(LSR) & 0x01);
    assertEquals('z', in(RBR));
    backend.inject("q");
    assertEquals(0x00, in(LSR) & 0x01, "serial input disconnected in loopback");
  }

  @Test
  void loopbackModemOutputsDriveModemStatusInputs() {
    // Outside loopback, the backend presents CTS, DSR and DCD.
    assertEquals(0xB0, in(MSR));
    out(MCR, MCR_LOOP); // all outputs off: CTS, DSR, DCD drop
    assertEquals(0x0B, in(MSR), "DCTS, DDSR, DDCD");
    assertEquals(0x00, in(MSR), "deltas are cleared by reading");
    out(MCR, MCR_LOOP | 0x0F); // DTR, RTS, OUT1, OUT2
    assertEquals(0xFB, in(MSR), "CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2; RI rising is no delta");
    out(MCR, MCR_LOOP | 0x0B); // OUT1 off
    assertEquals(0xB4, in(MSR), "trailing edge of RI");
    out(MCR, MCR_LOOP | 0x09); // RTS off
    assertEquals(0xA1, in(MSR));
    out(MCR, MCR_LOOP | 0x08); // DTR off
    assertEquals(0x82, in(MSR));
    out(MCR, MCR_LOOP); // OUT2 off
    assertEquals(0x08, in(MSR));
  }

  @Test
  void loopbackInterruptsWorkButDoNotReachThePcLine() {
    out(MCR, MCR_LOOP | MCR_OUT2);
    out(IER, 0x01);
    out(THR, 'k');
    assertEquals(0x04, in(IIR));
    assertFalse(line.level, "OUT2 pin forced inactive in loopback");
    out(MCR, MCR_OUT2);
    assertTrue(line.level);
  }

  @Test
  void scratchRegisterHoldsAnyValue() {
    for (int v : new int[] {0x00, 0x55, 0xAA, 0xFF}) {
      out(SCR, v);
      assertEquals(v, in(SCR));
    }
  }

  @Test
  void writesToStatusRegistersAreIgnored() {
    out(LSR, 0x00);
    out(MSR, 0xFF);
    assertEquals(0x60, in(LSR));
    assertEquals(0xB0, in(MSR));
  }

  @Test
  void reservedBitsReadZero() {
    out(IER, 0xFF);
    assertEquals(0x0F, in(IER));
    out(MCR, 0xFF);
    assertEquals(0x1F, in(MCR));
  }

  @Test
  void wideAccessesAndOffsetsOutsideTheRegionAreRefused() {
    var region = PcComPort.COM1.region();
    for (AccessSize size : new AccessSize[] {AccessSize.WORD, AccessSize.DWORD, AccessSize.QWORD}) {
      assertEquals(IoStatus.INVALID_ACCESS_SIZE, uart.readPort(region, 0, IoValue.forRead(size)));
      assertEquals(IoStatus.INVALID_ACCESS_SIZE, uart.writePort(region, 0, new IoValue(size, 1)));
    }
    assertEquals(
        IoStatus.INVALID_REGISTER, uart.readPort(region, 8, IoValue.forRead(AccessSize.BYTE)));
    assertEquals(
        IoStatus.INVALID_REGISTER, uart.writePort(region, -1, new IoValue(AccessSize.BYTE, 0)));
    assertEquals(0, backend.written().length);
  }

  @Test
  void anySequenceOfByteAccessesIsAccepted() {
    Random random = new Random(16550);
    for (int i = 0; i < 50_000; i++) {
      int offset = random.nextInt(8);
      if (random.nextBoolean()) {
        out(offset, random.nextInt(256));
      } else {
        in(offset);
      }
      if (random.nextInt(16) == 0) {
        backend.inject((byte) random.nextInt(256));
      }
      if (random.nextInt(64) == 0) {
        time.advance(random.nextInt(10_000_000));
      }
    }
  }

  @Test
  void hostInputWaitsForRoomInsteadOfOverrunning() {
    // 16450 mode: the receiver holds a single character, so the input thread must wait 39 times.
    byte[] input = new byte[40];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) ('A' + i);
    }
    StdioSerialBackend stdio =
        new StdioSerialBackend(
            new ByteArrayInputStream(input), java.io.OutputStream.nullOutputStream());
    Uart16550 port = PcComPort.COM2.create(line, stdio, time);
    var region = PcComPort.COM2.region();
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < input.length; i++) {
            IoValue lsr = IoValue.forRead(AccessSize.BYTE);
            do {
              port.readPort(region, LSR, lsr);
              Thread.onSpinWait();
            } while ((lsr.value() & 0x01) == 0);
            assertEquals(0, lsr.value() & 0x02, "no overrun");
            IoValue rbr = IoValue.forRead(AccessSize.BYTE);
            port.readPort(region, RBR, rbr);
            assertEquals(input[i], (byte) rbr.value());
          }
        });
  }
}
