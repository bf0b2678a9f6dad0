package io.parasol.paravisor.chipset.i8042;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.paravisor.chipset.PowerControl;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An 8042 keyboard controller at data port 0x60 and status/command port 0x64, with a PS/2 keyboard
 * on the first port and a PS/2 mouse on the auxiliary port, both present but silent.
 *
 * <p>The aux port is present so Linux's probe (AUX_LOOP 0xD3, then the AUXDIS bit test through
 * 0xA7/0xA8) finds a well-behaved controller; the mouse ACKs its commands and never moves. Commands
 * complete at once, so IBF is never set. Bytes queue behind the one-byte output buffer (at most
 * {@value #QUEUE_LIMIT}); IRQ1 is high while the output buffer holds keyboard or controller data
 * and the Controller Command Byte's INT bit is set, IRQ12 likewise for aux data and INT2.
 *
 * <p>Resets go to {@link PowerControl#reset}: command 0xFE and any pulse command 0xF0–0xFF with bit
 * 0 clear (they pulse output port bit 0, the CPU reset line), and writing the output port (0xD1)
 * with bit 0 clear.
 */
public final class I8042 implements PortIoDevice {
  /** The data port. */
  public static final int DATA_PORT = 0x60;

  /** The status (read) and command (write) port. */
  public static final int COMMAND_PORT = 0x64;

  static final int QUEUE_LIMIT = 16;

  // Status register.
  static final int STATUS_OBF = 0x01;
  static final int STATUS_IBF = 0x02;
  static final int STATUS_SYS = 0x04;
  static final int STATUS_A2 = 0x08; // last write was to the command port
  static final int STATUS_INH = 0x10; // 1 = keyboard not inhibited
  static final int STATUS_AUX_OBF = 0x20;

  // Controller Command Byte ("CTR" in Linux).
  static final int CTR_INT = 0x01;
  static final int CTR_INT2 = 0x02;
  static final int CTR_SYS = 0x04;
  static final int CTR_KBD_DISABLE = 0x10;
  static final int CTR_AUX_DISABLE = 0x20;
  static final int CTR_XLATE = 0x40;

  // Output port.
  private static final int OUTPUT_RESET = 0x01; // 0 = CPU held in reset
  private static final int OUTPUT_KBD_OBF = 0x10;
  private static final int OUTPUT_AUX_OBF = 0x20;

  private static final int ACK = 0xFA;
  private static final int RESEND = 0xFE;

  private static final Logger LOG = LoggerFactory.getLogger(I8042.class);

  private record OutputByte(int value, boolean aux) {}

  private final IoRegion dataRegion = new IoRegion("i8042-data", DATA_PORT, 1);
  private final IoRegion commandRegion = new IoRegion("i8042-command", COMMAND_PORT, 1);
  private final InterruptLine irq1;
  private final InterruptLine irq12;
  private final PowerControl power;
  private final ArrayDeque<OutputByte> queue = new ArrayDeque<>();
  private final byte[] ram = new byte[32]; // byte 0 is the Controller Command Byte

  private OutputByte outputBuffer;
  private int lastOutput;
  private boolean lastWriteWasCommand;
  private int pendingCommand; // a controller command waiting for its data byte, or 0
  private int outputPort = 0xCF; // reset high, A20 on (QEMU's value)
  private int keyboardPendingCommand;
  private int mousePendingCommand;
  private int scanCodeSet = 2;
  private boolean irq1Level;
  private boolean irq12Level;
  private OutputByte signalled; // the byte the raised line announces

  /**
   * @param irq1 keyboard interrupt
   * @param irq12 aux (mouse) interrupt
   * @param power told when the guest resets the CPU through the controller
   */
  public I8042(InterruptLine irq1, InterruptLine irq12, PowerControl power) {
    this.irq1 = Objects.requireNonNull(irq1, "irq1");
    this.irq12 = Objects.requireNonNull(irq12, "irq12");
    this.power = Objects.requireNonNull(power, "power");
    // What PC firmware leaves: both interrupts, system flag, translation.
    ram[0] = (byte) (CTR_INT | CTR_INT2 | CTR_SYS | CTR_XLATE);
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(dataRegion, commandRegion);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion region, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (region == commandRegion) {
      data.setValue(status());
      return IoStatus.OK;
    }
    if (outputBuffer != null) {
      lastOutput = outputBuffer.value();
      outputBuffer = queue.pollFirst();
      updateIrqs();
    }
    data.setValue(lastOutput); // an empty buffer reads its last byte again
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion region, int offset, IoData data) {
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    int value = (int) data.value() & 0xFF;
    if (region == commandRegion) {
      lastWriteWasCommand = true;
      controllerCommand(value);
    } else {
      lastWriteWasCommand = false;
      dataByte(value);
    }
    updateIrqs();
    return IoStatus.OK;
  }

  private int ctr() {
    return ram[0] & 0xFF;
  }

  private int status() {
    int status = STATUS_INH;
    if (outputBuffer != null) {
      status |= STATUS_OBF | (outputBuffer.aux() ? STATUS_AUX_OBF : 0);
    }
    if ((ctr() & CTR_SYS) != 0) {
      status |= STATUS_SYS;
    }
    if (lastWriteWasCommand) {
      status |= STATUS_A2;
    }
    return status;
  }

  private void controllerCommand(int command) {
    pendingCommand = 0;
    if (command >= 0x20 && command <= 0x3F) {
      queueOutput(ram[command - 0x20] & 0xFF, false); // 0x20: read Controller Command Byte
      return;
    }
    if (command >= 0x60 && command <= 0x7F) {
      pendingCommand = command; // 0x60: write Controller Command Byte
      return;
    }
    switch (command) {
      case 0xA7 -> ram[0] |= CTR_AUX_DISABLE;
      case 0xA8 -> ram[0] &= (byte) ~CTR_AUX_DISABLE;
      case 0xA9 -> queueOutput(0x00, false); // aux interface test: no error
      case 0xAA -> {
        ram[0] |= CTR_SYS; // self test passed sets the system flag
        queueOutput(0x55, false);
      }
      case 0xAB -> queueOutput(0x00, false); // keyboard interface test: no error
      case 0xAD -> ram[0] |= CTR_KBD_DISABLE;
      case 0xAE -> ram[0] &= (byte) ~CTR_KBD_DISABLE;
      case 0xC0 -> queueOutput(0x80, false); // input port: keyboard not inhibited
      case 0xD0 -> {
        int port = outputPort & ~(OUTPUT_KBD_OBF | OUTPUT_AUX_OBF);
        if (outputBuffer != null) {
          port |= outputBuffer.aux() ? OUTPUT_AUX_OBF : OUTPUT_KBD_OBF;
        }
        queueOutput(port, false);
      }
      case 0xD1, 0xD2, 0xD3, 0xD4 -> pendingCommand = command;
      case 0xE0 -> queueOutput(0x00, false); // test inputs
      default -> {
        if (command >= 0xF0) {
          // Pulse output port bits 0-3 low where the command's bit is 0; bit 0 is CPU reset.
          if ((command & OUTPUT_RESET) == 0) {
            power.reset(String.format("i8042 pulse output port (command 0x%02x)", command));
          }
        } else {
          LOG.debug("i8042: ignoring controller command 0x{}", Integer.toHexString(command));
        }
      }
    }
  }

  private void dataByte(int value) {
    int command = pendingCommand;
    pendingCommand = 0;
    if (command >= 0x60 && command <= 0x7F) {
      ram[command - 0x60] = (byte) value;
      return;
    }
    switch (command) {
      case 0xD1 -> {
        outputPort = value;
        if ((value & OUTPUT_RESET) == 0) {
          power.reset("i8042 write output port with reset bit clear");
        }
      }
      case 0xD2 -> queueOutput(value, false); // write keyboard output buffer
      case 0xD3 -> queueOutput(value, true); // write aux output buffer (loopback)
      case 0xD4 -> mouseCommand(value);
      default -> keyboardCommand(value);
    }
  }

  /** A byte for the PS/2 keyboard: commands ACK with 0xFA, some answer more. */
  private void keyboardCommand(int value) {
    int pending = keyboardPendingCommand;
    keyboardPendingCommand = 0;
    if (pending != 0) {
      if (pending == 0xF0 && value == 0) {
        queueOutput(ACK, false);
        queueOutput(translated(scanCodeSet), false); // report current set
        return;
      }
      if (pending == 0xF0 && value <= 3) {
        scanCodeSet = value;
      }
      queueOutput(ACK, false); // parameter of 0xED LEDs, 0xF3 typematic, 0xF0 set
      return;
    }
    switch (value) {
      case 0xFF -> {
        scanCodeSet = 2;
        queueOutput(ACK, false);
        queueOutput(0xAA, false); // basic assurance test passed
      }
      case 0xF2 -> {
        queueOutput(ACK, false);
        queueOutput(0xAB, false);
        queueOutput((ctr() & CTR_XLATE) != 0 ? 0x41 : 0x83, false); // MF2 keyboard ID
      }
      case 0xED, 0xF3, 0xF0 -> {
        keyboardPendingCommand = value;
        queueOutput(ACK, false);
      }
      case 0xEE -> queueOutput(0xEE, false); // echo
      case 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD -> queueOutput(ACK, false);
      default -> queueOutput(RESEND, false);
    }
  }

  private int translated(int set) {
    if ((ctr() & CTR_XLATE) == 0) {
      return set;
    }
    return switch (set) {
      case 1 -> 0x43;
      case 3 -> 0x3F;
      default -> 0x41;
    };
  }

  /** A byte for the PS/2 mouse, through command 0xD4. */
  private void mouseCommand(int value) {
    int pending = mousePendingCommand;
    mousePendingCommand = 0;
    if (pending != 0) {
      queueOutput(ACK, true); // parameter of 0xF3 sample rate or 0xE8 resolution
      return;
    }
    switch (value) {
      case 0xFF -> {
        queueOutput(ACK, true);
        queueOutput(0xAA, true);
        queueOutput(0x00, true); // device ID: standard PS/2 mouse
      }
      case 0xF2 -> {
        queueOutput(ACK, true);
        queueOutput(0x00, true);
      }
      case 0xE9 -> {
        queueOutput(ACK, true);
        queueOutput(0x00, true); // status: stream mode, disabled, scaling 1:1
        queueOutput(0x02, true); // resolution 4 counts/mm
        queueOutput(100, true); // sample rate
      }
      case 0xF3, 0xE8 -> {
        mousePendingCommand = value;
        queueOutput(ACK, true);
      }
      case 0xE6, 0xE7, 0xEA, 0xEB, 0xEC, 0xEE, 0xF0, 0xF4, 0xF5, 0xF6 -> queueOutput(ACK, true);
      default -> queueOutput(RESEND, true);
    }
  }

  private void queueOutput(int value, boolean aux) {
    OutputByte b = new OutputByte(value & 0xFF, aux);
    if (outputBuffer == null) {
      outputBuffer = b;
    } else if (queue.size() < QUEUE_LIMIT) {
      queue.addLast(b);
    }
  }

  private void updateIrqs() {
    boolean kbd = outputBuffer != null && !outputBuffer.aux() && (ctr() & CTR_INT) != 0;
    boolean aux = outputBuffer != null && outputBuffer.aux() && (ctr() & CTR_INT2) != 0;
    if (outputBuffer != signalled) {
      // A queued byte replaced the one just read: the real controller's line drops when the
      // buffer is read and rises when the next byte arrives, an edge the PIC must see.
      if (kbd && irq1Level) {
        irq1Level = false;
        irq1.setLevel(false);
      }
      if (aux && irq12Level) {
        irq12Level = false;
        irq12.setLevel(false);
      }
      signalled = outputBuffer;
    }
    if (kbd != irq1Level) {
      irq1Level = kbd;
      irq1.setLevel(kbd);
    }
    if (aux != irq12Level) {
      irq12Level = aux;
      irq12.setLevel(aux);
    }
  }
}
