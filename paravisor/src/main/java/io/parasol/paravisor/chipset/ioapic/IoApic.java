package io.parasol.paravisor.chipset.ioapic;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.MmioDevice;
import io.parasol.machine.irq.EoiListener;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.irq.MsiTarget;
import java.util.List;
import java.util.Objects;

/**
 * An I/O APIC as in the Intel 82093AA datasheet, with the version-0x20 semantics of the Intel ICH
 * I/O APIC (the directed EOI register at offset 0x40): 24 pins, each with a redirection entry, and
 * delivery as a message-signalled interrupt to an {@link MsiTarget}.
 *
 * <h2>Registers</h2>
 *
 * IOREGSEL (offset 0x00) selects the register IOWIN (offset 0x10) reaches: 0x00 IOAPICID, 0x01
 * IOAPICVER (0x00170020: version 0x20, maximum redirection entry 23), 0x02 IOAPICARB, 0x10 + 2n and
 * 0x11 + 2n the low and high halves of redirection entry n. Unimplemented indices read zero and
 * ignore writes. EOI (offset 0x40, write-only) takes a vector in bits 7..0. All three are 32-bit
 * registers: any other width is refused with {@link IoStatus#INVALID_ACCESS_SIZE}, an access inside
 * a register but not at its start with {@link IoStatus#UNALIGNED_ACCESS}, and any other offset with
 * {@link IoStatus#INVALID_REGISTER}.
 *
 * <h2>Pins</h2>
 *
 * {@link #pin(int)} gives the electrical level of a pin; a redirection entry with INTPOL = 1
 * (active low) inverts it. Edge-triggered: a rising edge of the (polarity-adjusted) input on an
 * unmasked pin sends one MSI; edges on a masked pin are lost (82093AA §3.2.4, bit 16).
 * Level-triggered: while the input is asserted, the pin unmasked and Remote IRR clear, the IOAPIC
 * sends an MSI and sets Remote IRR; an EOI for the entry's vector clears Remote IRR and, if the
 * input is still asserted, delivers again. Unmasking an asserted level pin delivers. Delivery is
 * instantaneous, so Delivery Status always reads 0.
 *
 * <h2>MSI format</h2>
 *
 * Intel SDM Vol. 3, §11.11 "Message Signalled Interrupts":
 *
 * <pre>
 * address = 0xFEE00000 | destination (RTE 63:56) &lt;&lt; 12
 *           | extended destination (RTE 55:48) &lt;&lt; 4
 *           | destination mode (RTE bit 11) &lt;&lt; 2    (redirection hint, bit 3, is 0)
 * data    = vector (RTE 7:0) | delivery mode (RTE 10:8) &lt;&lt; 8 | 1 &lt;&lt; 14 (level: assert)
 *           | trigger mode (RTE bit 15) &lt;&lt; 15
 * </pre>
 *
 * <p>The extended destination (ICH RTE bits 55:48, zero unless the guest sets them) is passed in
 * address bits 11:4 as the ICH does; the remappable format (bit 48) is not decoded.
 *
 * <p>Thread-safety: all state is guarded by this object's monitor (the bus holds it around
 * accesses; pins and {@link #endOfInterrupt} take it). MSIs and route changes are signalled under
 * it.
 */
public final class IoApic implements MmioDevice, EoiListener {
  /** The PC's IOAPIC base address. */
  public static final long DEFAULT_BASE = 0xFEC0_0000L;

  /** The size of the register window. */
  public static final long REGION_LENGTH = 0x1000;

  /** The number of pins (redirection entries). */
  public static final int PIN_COUNT = 24;

  /** IOAPICVER bits 7..0. */
  public static final int VERSION = 0x20;

  private static final int IOREGSEL = 0x00;
  private static final int IOWIN = 0x10;
  private static final int EOI = 0x40;

  // IOREGSEL indices, 82093AA §3.1 Table 2.
  private static final int IOAPICID = 0x00;
  private static final int IOAPICVER = 0x01;
  private static final int IOAPICARB = 0x02;
  private static final int IOREDTBL = 0x10;

  // Redirection entry fields, 82093AA §3.2.4.
  private static final long RTE_POLARITY_LOW = 1L << 13;
  private static final long RTE_REMOTE_IRR = 1L << 14;
  private static final long RTE_LEVEL = 1L << 15;
  private static final long RTE_MASK = 1L << 16;

  /** Guest-writable bits: 11..0, INTPOL, trigger mode, mask, and 63..48 (destination, EDID). */
  private static final long RTE_WRITABLE = 0xFFFF_0000_0001_AFFFL;

  private static final long MSI_BASE = 0xFEE0_0000L;
  private static final int MSI_LEVEL_ASSERT = 1 << 14;

  private final IoRegion region;
  private final MsiTarget msiTarget;
  private final IoApicRouteListener routeListener;
  private final long[] redirection = new long[PIN_COUNT];
  private final InterruptLine[] pins = new InterruptLine[PIN_COUNT];
  private int ioRegSel;
  private int apicId;
  private int inputLevels; // electrical level of each pin

  /** The PC's IOAPIC window: 0xFEC00000, 4 KiB. */
  public static IoRegion defaultRegion() {
    return new IoRegion("ioapic", DEFAULT_BASE, REGION_LENGTH);
  }

  /**
   * An IOAPIC in its reset state: every redirection entry masked, edge, active high, vector 0.
   *
   * @param region the register window (see {@link #defaultRegion()}), at least 0x44 bytes
   * @param apicId the initial IOAPICID (bits 3..0), as the ACPI MADT will announce it
   * @param msiTarget where deliveries go
   * @param routeListener told of every change to a redirection entry
   */
  public IoApic(
      IoRegion region, int apicId, MsiTarget msiTarget, IoApicRouteListener routeListener) {
    if (region.length() < EOI + 4) {
      throw new IllegalArgumentException("IOAPIC window too small: " + region);
    }
    this.region = region;
    this.apicId = apicId & 0xF;
    this.msiTarget = Objects.requireNonNull(msiTarget, "msiTarget");
    this.routeListener = Objects.requireNonNull(routeListener, "routeListener");
    for (int n = 0; n < PIN_COUNT; n++) {
      redirection[n] = RTE_MASK; // 82093AA §3.2.4: the mask bit is set at reset
      int pin = n;
      pins[n] = level -> setInput(pin, level);
    }
  }

  /** The input of pin {@code n} (0..23); its level is the electrical level on the pin. */
  public InterruptLine pin(int n) {
    if (n < 0 || n >= PIN_COUNT) {
      throw new IllegalArgumentException("no IOAPIC pin " + n);
    }
    return pins[n];
  }

  @Override
  public List<IoRegion> mmioRegions() {
    return List.of(region);
  }

  @Override
  public synchronized IoStatus readMmio(IoRegion region, long offset, IoData data) {
    IoStatus status = checkAccess(offset, data);
    if (status != IoStatus.OK) {
      return status;
    }
    data.setValue(
        switch ((int) offset) {
          case IOREGSEL -> ioRegSel;
          case IOWIN -> readIndirect(ioRegSel) & 0xFFFF_FFFFL;
          default -> 0; // EOI is write-only
        });
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writeMmio(IoRegion region, long offset, IoData data) {
    IoStatus status = checkAccess(offset, data);
    if (status != IoStatus.OK) {
      return status;
    }
    int value = (int) data.value();
    switch ((int) offset) {
      case IOREGSEL -> ioRegSel = value & 0xFF; // bits 31..8 reserved
      case IOWIN -> writeIndirect(ioRegSel, value);
      default -> endOfInterrupt(value & 0xFF);
    }
    return IoStatus.OK;
  }

  /**
   * End of interrupt for {@code vector}, from the local APIC's EOI broadcast or the EOI register:
   * clears Remote IRR of every entry with that vector and re-delivers those whose input is still
   * asserted.
   */
  @Override
  public synchronized void endOfInterrupt(int vector) {
    for (int n = 0; n < PIN_COUNT; n++) {
      if ((redirection[n] & 0xFF) == (vector & 0xFF) && (redirection[n] & RTE_REMOTE_IRR) != 0) {
        redirection[n] &= ~RTE_REMOTE_IRR;
        serviceLevel(n);
      }
    }
  }

  private static IoStatus checkAccess(long offset, IoData data) {
    for (int register : new int[] {IOREGSEL, IOWIN, EOI}) {
      if (offset == register) {
        return data.size() == AccessSize.DWORD ? IoStatus.OK : IoStatus.INVALID_ACCESS_SIZE;
      }
      if (offset > register && offset < register + 4) {
        return IoStatus.UNALIGNED_ACCESS;
      }
    }
    return IoStatus.INVALID_REGISTER;
  }

  private int readIndirect(int index) {
    if (index >= IOREDTBL && index < IOREDTBL + 2 * PIN_COUNT) {
      long entry = redirection[(index - IOREDTBL) / 2];
      return (index & 1) == 0 ? (int) entry : (int) (entry >>> 32);
    }
    return switch (index) {
      case IOAPICID, IOAPICARB -> apicId << 24; // ID in bits 27..24; ARB loaded from the ID
      case IOAPICVER -> VERSION | ((PIN_COUNT - 1) << 16);
      default -> 0;
    };
  }

  private void writeIndirect(int index, int value) {
    if (index >= IOREDTBL && index < IOREDTBL + 2 * PIN_COUNT) {
      int n = (index - IOREDTBL) / 2;
      long old = redirection[n];
      long written =
          (index & 1) == 0
              ? (old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL)
              : (old & 0x0000_0000_FFFF_FFFFL) | ((long) value << 32);
      long entry = (old & ~RTE_WRITABLE) | (written & RTE_WRITABLE);
      if ((entry & RTE_LEVEL) == 0) {
        // An edge-triggered entry has no Remote IRR (82093AA §3.2.4, bit 14; Linux clears a stuck
        // Remote IRR by switching the entry to edge and back).
        entry &= ~RTE_REMOTE_IRR;
      }
      redirection[n] = entry;
      if (entry != old) {
        routeListener.routeChanged(n, msiAddress(entry), msiData(entry), masked(entry));
      }
      serviceLevel(n); // unmasking, or switching to level, an asserted pin delivers
      return;
    }
    if (index == IOAPICID) {
      apicId = (value >>> 24) & 0xF;
    }
    // IOAPICVER and IOAPICARB are read-only; other indices are not implemented.
  }

  private boolean asserted(int n) {
    boolean high = (inputLevels & (1 << n)) != 0;
    return high != ((redirection[n] & RTE_POLARITY_LOW) != 0);
  }

  private static boolean masked(long entry) {
    return (entry & RTE_MASK) != 0;
  }

  private void setInput(int n, boolean high) {
    synchronized (this) {
      boolean wasAsserted = asserted(n);
      inputLevels = high ? inputLevels | (1 << n) : inputLevels & ~(1 << n);
      long entry = redirection[n];
      if ((entry & RTE_LEVEL) == 0) {
        if (!wasAsserted && asserted(n) && !masked(entry)) {
          deliver(entry);
        }
      } else {
        serviceLevel(n);
      }
    }
  }

  /** Delivers a level-triggered pin if asserted, unmasked and not awaiting EOI. */
  private void serviceLevel(int n) {
    long entry = redirection[n];
    if ((entry & RTE_LEVEL) != 0
        && !masked(entry)
        && (entry & RTE_REMOTE_IRR) == 0
        && asserted(n)) {
      redirection[n] = entry | RTE_REMOTE_IRR;
      deliver(entry);
    }
  }

  private void deliver(long entry) {
    // DEVNOTE: delivery modes NMI, SMI and INIT should be programmed edge-triggered (82093AA
    // §3.2.4); a level entry in those modes waits for an EOI that never comes, as on hardware.
    msiTarget.signalMsi(msiAddress(entry), msiData(entry));
  }

  /** The MSI address for a redirection entry (format in the class comment). */
  static long msiAddress(long entry) {
    long destination = (entry >>> 56) & 0xFF;
    long extendedDestination = (entry >>> 48) & 0xFF;
    long destinationMode = (entry >>> 11) & 1;
    return MSI_BASE | (destination << 12) | (extendedDestination << 4) | (destinationMode << 2);
  }

  /** The MSI data for a redirection entry (format in the class comment). */
  static int msiData(long entry) {
    int vector = (int) (entry & 0xFF);
    int deliveryMode = (int) ((entry >>> 8) & 7);
    int trigger = (entry & RTE_LEVEL) != 0 ? 1 : 0;
    return vector | (deliveryMode << 8) | MSI_LEVEL_ASSERT | (trigger << 15);
  }
}
