package io.parasol.paravisor.chipset.uart;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.time.TimeSource;
import io.parasol.machine.time.Timer;
import java.util.List;
import java.util.Objects;

/**
 * A National/TI PC16550D UART: eight byte-wide registers, 16-byte receive and transmit FIFOs, modem
 * control and status, loopback, and one interrupt output.
 *
 * <p>Transmission is instantaneous: a byte written to THR goes to the {@link SerialBackend} at
 * once, so THR and the transmitter are always empty again by the time the guest looks (LSR THRE and
 * TEMT read 1). Reception is paced by the backend; the receive FIFO's character timeout does use
 * the programmed line speed (four character times on the injected {@link TimeSource}), since guests
 * with a trigger level above one rely on it to see short input.
 *
 * <p>The line format (LCR word length, parity, stop bits) only sets the character time: bytes pass
 * whole, and no parity or framing errors arise.
 *
 * <p>The interrupt output is wired as on the PC: the UART's INTRPT pin reaches the {@link
 * InterruptLine} only through a buffer enabled by the OUT2 output, so the line is asserted when an
 * enabled interrupt is pending, MCR.OUT2 is set, and loopback is off (in loopback the OUT pins are
 * forced inactive). Only byte accesses are decoded; a wider one is refused with {@link
 * IoStatus#INVALID_ACCESS_SIZE}.
 *
 * <p>Thread-safety: all state is guarded by this object's monitor, which the bus holds around
 * accesses; backend input and the timeout timer take it too.
 */
public final class Uart16550 implements PortIoDevice {
  /** The number of ports a 16550 decodes. */
  public static final int REGISTER_COUNT = 8;

  /** The UART's input clock, 1.8432 MHz on the PC: baud rate = clock / (16 * divisor). */
  private static final long CLOCK_HZ = 1_843_200;

  private static final int FIFO_SIZE = 16;

  // PC16550D datasheet, Table II "Summary of Registers": offsets (DLAB-dependent at 0 and 1).
  private static final int RBR_THR_DLL = 0;
  private static final int IER_DLM = 1;
  private static final int IIR_FCR = 2;
  private static final int LCR = 3;
  private static final int MCR = 4;
  private static final int LSR = 5;
  private static final int MSR = 6;
  private static final int SCR = 7;

  // IER bits.
  private static final int IER_ERBFI = 0x01;
  private static final int IER_ETBEI = 0x02;
  private static final int IER_ELSI = 0x04;
  private static final int IER_EDSSI = 0x08;

  // IIR values (bits 3..0), Table IV "Interrupt Control Functions".
  private static final int IIR_NONE = 0x01;
  private static final int IIR_RLS = 0x06;
  private static final int IIR_RDA = 0x04;
  private static final int IIR_CTI = 0x0C;
  private static final int IIR_THRE = 0x02;
  private static final int IIR_MS = 0x00;
  private static final int IIR_FIFOS_ENABLED = 0xC0;

  // FCR bits.
  private static final int FCR_ENABLE = 0x01;
  private static final int FCR_RX_RESET = 0x02;
  private static final int FCR_STORED = 0xC9; // FIFO enable, DMA mode select, trigger level

  // LCR bits.
  private static final int LCR_DLAB = 0x80;

  // MCR bits.
  private static final int MCR_DTR = 0x01;
  private static final int MCR_RTS = 0x02;
  private static final int MCR_OUT1 = 0x04;
  private static final int MCR_OUT2 = 0x08;
  private static final int MCR_LOOP = 0x10;

  // LSR bits.
  static final int LSR_DR = 0x01;
  static final int LSR_OE = 0x02;
  static final int LSR_PE = 0x04;
  static final int LSR_FE = 0x08;
  static final int LSR_BI = 0x10;
  static final int LSR_THRE = 0x20;
  static final int LSR_TEMT = 0x40;
  static final int LSR_FIFO_ERROR = 0x80;
  private static final int LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;

  // MSR bits.
  private static final int MSR_DCTS = 0x01;
  private static final int MSR_DDSR = 0x02;
  private static final int MSR_TERI = 0x04;
  private static final int MSR_DDCD = 0x08;
  private static final int MSR_CTS = 0x10;
  private static final int MSR_DSR = 0x20;
  private static final int MSR_RI = 0x40;
  private static final int MSR_DCD = 0x80;
  private static final int MSR_DELTAS = 0x0F;

  /** The modem inputs a backend presents: a modem that is there and ready (CTS, DSR, DCD). */
  private static final int EXTERNAL_MODEM_INPUTS = MSR_CTS | MSR_DSR | MSR_DCD;

  private final IoRegion region;
  private final InterruptLine irq;
  private final SerialBackend backend;
  private final TimeSource time;
  private final Timer timeoutTimer;

  // Receive FIFO: each entry is the character in bits 7..0 and its PE/FE/BI bits (LSR positions)
  // in bits 15..8.
  private final int[] rxFifo = new int[FIFO_SIZE];
  private int rxHead;
  private int rxCount;
  private int lastRbr;

  private int ier;
  private int fcr;
  private int lcr;
  private int mcr;
  private int scr;
  private int divisor = 12; // 9600 baud: the value firmware usually finds, not a reset value
  private int lsrLatched; // OE, PE, FE, BI as last revealed, cleared by reading LSR
  private boolean fifoErrorLatched; // LSR bit 7
  private boolean thrInterrupt; // THRE interrupt pending (set on THR empty, cleared per Table IV)
  private boolean characterTimeout; // CTI indication pending
  private long lastRxActivityNanos;
  private int msr; // bits 7..4 current inputs, bits 3..0 deltas
  private boolean irqAsserted;

  /**
   * Makes a UART in its reset state and connects {@code backend} to it (the last thing the
   * constructor does).
   *
   * @param region the 8-port region the UART decodes (see {@link PcComPort#region()})
   * @param irq the interrupt wire, as gated by MCR.OUT2
   * @param backend the host end of the port
   * @param time the clock the receive FIFO's character timeout runs on
   */
  public Uart16550(IoRegion region, InterruptLine irq, SerialBackend backend, TimeSource time) {
    if (region.length() != REGISTER_COUNT) {
      throw new IllegalArgumentException("a 16550 decodes 8 ports, not " + region);
    }
    this.region = region;
    this.irq = Objects.requireNonNull(irq, "irq");
    this.backend = Objects.requireNonNull(backend, "backend");
    this.time = Objects.requireNonNull(time, "time");
    this.timeoutTimer = time.newTimer(region.name() + "-rx-timeout", this::timeoutExpired);
    this.msr = EXTERNAL_MODEM_INPUTS;
    backend.connect(new Receiver());
  }

  /** The backend this UART talks to. */
  public SerialBackend backend() {
    return backend;
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion region, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (offset < 0 || offset >= REGISTER_COUNT) {
      return IoStatus.INVALID_REGISTER;
    }
    data.setValue(readRegister(offset));
    updateInterrupt();
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion region, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (offset < 0 || offset >= REGISTER_COUNT) {
      return IoStatus.INVALID_REGISTER;
    }
    writeRegister(offset, (int) data.value() & 0xFF);
    updateInterrupt();
    return IoStatus.OK;
  }

  private int readRegister(int offset) {
    boolean dlab = (lcr & LCR_DLAB) != 0;
    return switch (offset) {
      case RBR_THR_DLL -> dlab ? divisor & 0xFF : readRbr();
      case IER_DLM -> dlab ? divisor >>> 8 : ier;
      case IIR_FCR -> readIir();
      case LCR -> lcr;
      case MCR -> mcr;
      case LSR -> readLsr();
      case MSR -> readMsr();
      default -> scr;
    };
  }

  private void writeRegister(int offset, int value) {
    boolean dlab = (lcr & LCR_DLAB) != 0;
    switch (offset) {
      case RBR_THR_DLL -> {
        if (dlab) {
          divisor = (divisor & 0xFF00) | value;
        } else {
          writeThr(value);
        }
      }
      case IER_DLM -> {
        if (dlab) {
          divisor = (divisor & 0x00FF) | (value << 8);
        } else {
          writeIer(value);
        }
      }
      case IIR_FCR -> writeFcr(value);
      case LCR -> lcr = value;
      case MCR -> writeMcr(value);
      case LSR, MSR -> {
        // PC16550D datasheet, Table II: LSR and MSR are read-only for the CPU (writing them is a
        // factory test); the write is ignored.
      }
      default -> scr = value;
    }
  }

  // --- receiver ---

  private boolean fifoEnabled() {
    return (fcr & FCR_ENABLE) != 0;
  }

  private int rxCapacity() {
    // PC16550D datasheet, "FIFO Interrupt Mode Operation": in 16450 mode the receiver holds one
    // character (RBR), in FIFO mode sixteen.
    return fifoEnabled() ? FIFO_SIZE : 1;
  }

  private int triggerLevel() {
    // PC16550D datasheet, FCR bits 7..6: RCVR FIFO trigger level 1, 4, 8 or 14 bytes.
    return switch ((fcr >>> 6) & 3) {
      case 0 -> 1;
      case 1 -> 4;
      case 2 -> 8;
      default -> 14;
    };
  }

  /** A character (with its PE/FE/BI bits) reaches the receiver from the wire or from loopback. */
  private void receiveCharacter(int value, int errorBits) {
    int entry = (value & 0xFF) | (errorBits << 8);
    if (rxCount == rxCapacity()) {
      // PC16550D datasheet, LSR bit 1 (OE): in FIFO mode the character in the shift register is
      // overwritten and not transferred to the FIFO; in 16450 mode the new character overwrites
      // the one in RBR.
      lsrLatched |= LSR_OE;
      if (!fifoEnabled()) {
        rxFifo[rxHead] = entry;
        lsrLatched |= errorBits;
      }
    } else {
      rxFifo[(rxHead + rxCount) % FIFO_SIZE] = entry;
      rxCount++;
      if (rxCount == 1) {
        // The character is at the top of the FIFO: its errors are revealed in LSR now.
        lsrLatched |= errorBits;
      }
      if (errorBits != 0 && fifoEnabled()) {
        fifoErrorLatched = true;
      }
    }
    rxActivity();
  }

  private int readRbr() {
    if (rxCount == 0) {
      return lastRbr; // reading an empty RBR returns the last character again
    }
    int entry = rxFifo[rxHead];
    lastRbr = entry & 0xFF;
    rxHead = (rxHead + 1) % FIFO_SIZE;
    rxCount--;
    if (rxCount > 0) {
      lsrLatched |= (rxFifo[rxHead] >>> 8) & (LSR_PE | LSR_FE | LSR_BI);
    }
    rxActivity();
    notifyAll(); // room for a waiting host input thread
    return entry & 0xFF;
  }

  /**
   * A character entered or left the receive FIFO: PC16550D datasheet, "FIFO Interrupt Mode
   * Operation": the timeout indication is cleared and its timer restarted.
   */
  private void rxActivity() {
    characterTimeout = false;
    lastRxActivityNanos = time.nanoTime();
    if (fifoEnabled() && rxCount > 0) {
      timeoutTimer.armAt(lastRxActivityNanos + 4 * characterTimeNanos());
    } else {
      timeoutTimer.cancel();
    }
  }

  private void timeoutExpired() {
    synchronized (this) {
      if (fifoEnabled()
          && rxCount > 0
          && time.nanoTime() - lastRxActivityNanos >= 4 * characterTimeNanos()) {
        characterTimeout = true;
        updateInterrupt();
      }
    }
  }

  /** One character's time on the wire: start bit, data bits, parity, stop bits at the set speed. */
  private long characterTimeNanos() {
    int bits = 1 + 5 + (lcr & 3) + ((lcr & 0x08) != 0 ? 1 : 0) + ((lcr & 0x04) != 0 ? 2 : 1);
    long effectiveDivisor = divisor == 0 ? 0x10000 : divisor;
    return bits * 16 * effectiveDivisor * 1_000_000_000L / CLOCK_HZ;
  }

  private void resetRxFifo() {
    rxHead = 0;
    rxCount = 0;
    fifoErrorLatched = false;
    characterTimeout = false;
    timeoutTimer.cancel();
    notifyAll();
  }

  // --- transmitter ---

  private void writeThr(int value) {
    // DEVNOTE: the host end is a byte pipe, not a wire of LCR.WLS bits: characters are not cut to
    // the word length (LCR resets to 5 bits, and not every guest programs it before printing).
    int character = value;
    if ((mcr & MCR_LOOP) != 0) {
      // PC16550D datasheet, MCR bit 4: the transmitter shift register's output is looped back
      // into the receiver shift register; the serial output is held marking.
      receiveCharacter(character, 0);
    } else {
      backend.write((byte) character);
    }
    // Writing THR clears the THRE interrupt (Table IV); the byte leaves at once, so THR is empty
    // again and the THRE interrupt is set anew.
    thrInterrupt = true;
  }

  private void writeIer(int value) {
    int old = ier;
    ier = value & 0x0F;
    // Enabling ETBEI while THR is empty raises the THRE interrupt (the 16550 sets it on the enable
    // edge; Linux's 8250 driver starts transmission this way).
    if ((old & IER_ETBEI) == 0 && (ier & IER_ETBEI) != 0) {
      thrInterrupt = true;
    }
  }

  private void writeFcr(int value) {
    boolean wasEnabled = fifoEnabled();
    boolean enable = (value & FCR_ENABLE) != 0;
    if (enable != wasEnabled) {
      // PC16550D datasheet, FCR bit 0: changing between FIFO and 16450 mode clears both FIFOs.
      resetRxFifo();
    }
    if (!enable) {
      // FCR bit 0 must be 1 for the other FCR bits to be programmed.
      fcr = 0;
      return;
    }
    fcr = value & FCR_STORED;
    if ((value & FCR_RX_RESET) != 0) {
      resetRxFifo(); // FCR bit 1, self-clearing; the shift register is not cleared
    }
    // FCR bit 2 (XMIT FIFO reset) has nothing to clear: transmission is instantaneous, so the
    // transmit FIFO is always empty.
  }

  // --- status ---

  private int readIir() {
    int iir = pendingInterrupt() | (fifoEnabled() ? IIR_FIFOS_ENABLED : 0);
    if ((iir & 0x0F) == IIR_THRE) {
      // Table IV: reading IIR clears the THRE interrupt if it is the source.
      thrInterrupt = false;
    }
    return iir;
  }

  private int lsrValue() {
    int lsr = lsrLatched | LSR_THRE | LSR_TEMT;
    if (rxCount > 0) {
      lsr |= LSR_DR;
    }
    if (fifoErrorLatched) {
      lsr |= LSR_FIFO_ERROR;
    }
    return lsr;
  }

  private int readLsr() {
    int lsr = lsrValue();
    // LSR bits 1..4 are cleared by reading LSR; bit 7 is cleared when no errors remain in the FIFO.
    lsrLatched = 0;
    fifoErrorLatched = false;
    for (int i = 1; i < rxCount; i++) {
      if ((rxFifo[(rxHead + i) % FIFO_SIZE] >>> 8) != 0) {
        fifoErrorLatched = true;
      }
    }
    return lsr;
  }

  private int readMsr() {
    int value = msr;
    msr &= ~MSR_DELTAS; // MSR bits 3..0 are reset when the CPU reads the MSR
    return value;
  }

  private void writeMcr(int value) {
    mcr = value & 0x1F;
    setModemInputs(modemInputs());
    notifyAll(); // entering loopback disconnects the serial input: release waiting input
  }

  private int modemInputs() {
    if ((mcr & MCR_LOOP) == 0) {
      return EXTERNAL_MODEM_INPUTS;
    }
    // PC16550D datasheet, MCR bit 4: DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD internally.
    int inputs = 0;
    if ((mcr & MCR_RTS) != 0) {
      inputs |= MSR_CTS;
    }
    if ((mcr & MCR_DTR) != 0) {
      inputs |= MSR_DSR;
    }
    if ((mcr & MCR_OUT1) != 0) {
      inputs |= MSR_RI;
    }
    if ((mcr & MCR_OUT2) != 0) {
      inputs |= MSR_DCD;
    }
    return inputs;
  }

  private void setModemInputs(int inputs) {
    int old = msr & 0xF0;
    int changed = old ^ inputs;
    int deltas = 0;
    if ((changed & MSR_CTS) != 0) {
      deltas |= MSR_DCTS;
    }
    if ((changed & MSR_DSR) != 0) {
      deltas |= MSR_DDSR;
    }
    if ((changed & MSR_DCD) != 0) {
      deltas |= MSR_DDCD;
    }
    if ((old & MSR_RI) != 0 && (inputs & MSR_RI) == 0) {
      deltas |= MSR_TERI; // MSR bit 2: RI changed from on to off
    }
    msr = inputs | (msr & MSR_DELTAS) | deltas;
  }

  // --- interrupts ---

  /** IIR bits 3..0 for the highest-priority pending interrupt (Table IV priority order). */
  private int pendingInterrupt() {
    if ((ier & IER_ELSI) != 0 && (lsrLatched & LSR_ERRORS) != 0) {
      return IIR_RLS;
    }
    if ((ier & IER_ERBFI) != 0) {
      if (fifoEnabled() ? rxCount >= triggerLevel() : rxCount > 0) {
        return IIR_RDA;
      }
      if (fifoEnabled() && characterTimeout && rxCount > 0) {
        return IIR_CTI;
      }
    }
    if ((ier & IER_ETBEI) != 0 && thrInterrupt) {
      return IIR_THRE;
    }
    if ((ier & IER_EDSSI) != 0 && (msr & MSR_DELTAS) != 0) {
      return IIR_MS;
    }
    return IIR_NONE;
  }

  private void updateInterrupt() {
    // On the PC the INTRPT pin reaches the IRQ line through a buffer enabled by OUT2; in loopback
    // the OUT2 pin is forced inactive (PC16550D datasheet, MCR bit 4), so the buffer is off.
    boolean asserted = pendingInterrupt() != IIR_NONE && (mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
    if (asserted != irqAsserted) {
      irqAsserted = asserted;
      irq.setLevel(asserted);
    }
  }

  /** What backends call: the serial input wire. */
  private final class Receiver implements SerialReceiver {
    @Override
    public void receive(byte value) {
      synchronized (Uart16550.this) {
        if ((mcr & MCR_LOOP) == 0) { // in loopback the serial input is disconnected
          receiveCharacter(value & 0xFF, 0);
          updateInterrupt();
        }
      }
    }

    @Override
    public void receiveWhenReady(byte value) throws InterruptedException {
      synchronized (Uart16550.this) {
        while ((mcr & MCR_LOOP) == 0 && rxCount >= rxCapacity()) {
          Uart16550.this.wait();
        }
        if ((mcr & MCR_LOOP) == 0) {
          receiveCharacter(value & 0xFF, 0);
          updateInterrupt();
        }
      }
    }

    @Override
    public void receiveBreak() {
      synchronized (Uart16550.this) {
        if ((mcr & MCR_LOOP) == 0) {
          receiveCharacter(0, LSR_BI);
          updateInterrupt();
        }
      }
    }
  }
}
