package io.parasol.paravisor.chipset.pic;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import io.parasol.machine.irq.ExtIntSource;
import io.parasol.machine.irq.InterruptLine;
import java.util.List;
import java.util.Objects;

/**
 * The PC/AT interrupt controllers: a master and a slave Intel 8259A, the slave's INTR wired to the
 * master's IR2, plus the PIIX Edge/Level Control Registers (ELCR1/ELCR2 at ports 0x4D0/0x4D1).
 *
 * <p>Inputs are {@link #irq(int) IRQ 0..15} (0..7 on the master, 8..15 on the slave). The master's
 * INTR is the output: the vCPU loop reads it through {@link #interruptPending()} and runs the INTA
 * cycle with {@link #acknowledgeInterrupt()}; the {@link InterruptLine} given at construction is
 * driven with INTR's level whenever it changes, so the vCPU can be kicked.
 *
 * <p>Ports decode byte accesses only, except ELCR, which also takes one word access at 0x4D0 for
 * both registers; other widths are refused with {@link IoStatus#INVALID_ACCESS_SIZE}.
 *
 * <p>Thread-safety: all state is guarded by this object's monitor (the bus holds it around
 * accesses; the input lines and {@link ExtIntSource} methods take it). The INTR callback runs under
 * it: it must only signal, never wait for another thread that might call into this controller.
 */
public final class DualPic8259 implements PortIoDevice, ExtIntSource {
  /** The master's command and data ports, 0x20 and 0x21. */
  public static final IoRegion MASTER_REGION = new IoRegion("pic-master", 0x20, 2);

  /** The slave's command and data ports, 0xA0 and 0xA1. */
  public static final IoRegion SLAVE_REGION = new IoRegion("pic-slave", 0xA0, 2);

  /** ELCR1 (IRQ 0..7) and ELCR2 (IRQ 8..15), ports 0x4D0 and 0x4D1. */
  public static final IoRegion ELCR_REGION = new IoRegion("pic-elcr", 0x4D0, 2);

  /** The master IR the slave's INTR drives. */
  private static final int CASCADE_PIN = 2;

  // PIIX ELCR: IRQ 0, 1, 2 (ELCR1 bits 0..2) and IRQ 8, 13 (ELCR2 bits 0 and 5) are always edge.
  private static final int ELCR1_WRITABLE = 0xF8;
  private static final int ELCR2_WRITABLE = 0xDE;

  private final Pic8259 master = new Pic8259(true);
  private final Pic8259 slave = new Pic8259(false);
  private final InterruptLine intrOutput;
  private final InterruptLine[] inputs = new InterruptLine[16];
  private boolean intr;

  /**
   * A pair in its power-on state: uninitialised, every input masked until the guest runs ICW1.
   *
   * @param intrOutput driven with the master's INTR whenever it changes
   */
  public DualPic8259(InterruptLine intrOutput) {
    this.intrOutput = Objects.requireNonNull(intrOutput, "intrOutput");
    for (int n = 0; n < 16; n++) {
      int irq = n;
      inputs[n] =
          n == CASCADE_PIN
              // DEVNOTE: master IR2 is the cascade input; on the AT, the ISA bus's IRQ2 pin goes to
              // IRQ9, so a device on "IRQ2" is wired to irq(9). This line goes nowhere.
              ? InterruptLine.NONE
              : asserted -> setInput(irq, asserted);
    }
  }

  /**
   * The input for IRQ {@code n} (0..15). Level semantics: {@code setLevel(true)} raises the input;
   * an edge-triggered IRQ latches a request on the rising edge, a level-triggered one (ELCR)
   * requests for as long as the input is high. IRQ 2 is the cascade and is not connected.
   */
  public InterruptLine irq(int n) {
    if (n < 0 || n >= 16) {
      throw new IllegalArgumentException("no IRQ " + n + " on the 8259A pair");
    }
    return inputs[n];
  }

  @Override
  public List<IoRegion> portRegions() {
    return List.of(MASTER_REGION, SLAVE_REGION, ELCR_REGION);
  }

  @Override
  public synchronized IoStatus readPort(IoRegion region, int offset, IoData data) {
    if (offset < 0 || offset > 1) {
      return IoStatus.INVALID_REGISTER;
    }
    if (ELCR_REGION.equals(region)) {
      if (data.size() == AccessSize.WORD && offset == 0) {
        data.setValue(master.elcr() | (slave.elcr() << 8));
        return IoStatus.OK;
      }
      if (data.size() != AccessSize.BYTE) {
        return IoStatus.INVALID_ACCESS_SIZE;
      }
      data.setValue(offset == 0 ? master.elcr() : slave.elcr());
      return IoStatus.OK;
    }
    Pic8259 chip = chipFor(region);
    if (chip == null) {
      return IoStatus.INVALID_REGISTER;
    }
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    data.setValue(offset == 0 ? chip.readCommand() : chip.readData());
    update(); // a poll read is an interrupt acknowledge
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writePort(IoRegion region, int offset, IoData data) {
    if (offset < 0 || offset > 1) {
      return IoStatus.INVALID_REGISTER;
    }
    int value = (int) data.value();
    if (ELCR_REGION.equals(region)) {
      if (data.size() == AccessSize.WORD && offset == 0) {
        master.setElcr(value & ELCR1_WRITABLE);
        slave.setElcr((value >>> 8) & ELCR2_WRITABLE);
      } else if (data.size() == AccessSize.BYTE) {
        if (offset == 0) {
          master.setElcr(value & ELCR1_WRITABLE);
        } else {
          slave.setElcr(value & ELCR2_WRITABLE);
        }
      } else {
        return IoStatus.INVALID_ACCESS_SIZE;
      }
      update();
      return IoStatus.OK;
    }
    Pic8259 chip = chipFor(region);
    if (chip == null) {
      return IoStatus.INVALID_REGISTER;
    }
    if (data.size() != AccessSize.BYTE) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (offset == 0) {
      chip.writeCommand(value & 0xFF);
    } else {
      chip.writeData(value & 0xFF);
    }
    update();
    return IoStatus.OK;
  }

  /** Whether the master's INTR is asserted. */
  @Override
  public synchronized boolean interruptPending() {
    return intr;
  }

  /**
   * The INTA cycle. The master resolves its highest-priority request; for the cascade IR the slave
   * supplies the vector. If the request has gone (a level input fell, or it was masked), the chip
   * answers with its IR7 vector and sets no ISR bit; when that happens on the slave, the master has
   * already acknowledged IR2 and keeps it in service (8259A datasheet, "Interrupt Sequence"), as on
   * real PCs, so the guest's spurious IRQ15 handler must EOI the master.
   */
  @Override
  public synchronized int acknowledgeInterrupt() {
    int pin = master.pendingRequest();
    int vector;
    if (pin < 0) {
      vector = master.vectorBase() + 7; // spurious IRQ7
    } else {
      if (pin == CASCADE_PIN && master.cascadesOn(pin)) {
        int slavePin = slave.pendingRequest();
        if (slavePin >= 0) {
          slave.acknowledge(slavePin);
          vector = slave.vectorBase() + slavePin;
        } else {
          vector = slave.vectorBase() + 7; // spurious IRQ15
        }
      } else {
        vector = master.vectorBase() + pin;
      }
      master.acknowledge(pin);
    }
    update();
    return vector;
  }

  private Pic8259 chipFor(IoRegion region) {
    if (MASTER_REGION.equals(region)) {
      return master;
    }
    if (SLAVE_REGION.equals(region)) {
      return slave;
    }
    return null;
  }

  private void setInput(int irq, boolean asserted) {
    synchronized (this) {
      (irq < 8 ? master : slave).setInput(irq & 7, asserted);
      update();
    }
  }

  /** Propagates the slave's INTR to master IR2 and the master's INTR to the output. */
  private void update() {
    master.setInput(CASCADE_PIN, slave.pendingRequest() >= 0);
    boolean now = master.pendingRequest() >= 0;
    if (now != intr) {
      intr = now;
      intrOutput.setLevel(now);
    }
  }
}
