package io.parasol.paravisor.vm;

import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.Partition;
import io.parasol.isolation.VirtualProcessor;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.irq.EoiListener;
import io.parasol.machine.irq.InterruptLine;
import io.parasol.machine.irq.WiredOrLine;
import io.parasol.machine.time.TimeSource;
import io.parasol.paravisor.chipset.PowerControl;
import io.parasol.paravisor.chipset.acpi.AcpiPmBlock;
import io.parasol.paravisor.chipset.debug.DebugConsolePort;
import io.parasol.paravisor.chipset.debug.PostCodePort;
import io.parasol.paravisor.chipset.i8042.I8042;
import io.parasol.paravisor.chipset.ioapic.IoApic;
import io.parasol.paravisor.chipset.pic.DualPic8259;
import io.parasol.paravisor.chipset.pit.Pit8254;
import io.parasol.paravisor.chipset.reset.ResetControlRegister;
import io.parasol.paravisor.chipset.rtc.CmosRtc;
import io.parasol.paravisor.chipset.uart.CapturingSerialBackend;
import io.parasol.paravisor.chipset.uart.PcComPort;
import io.parasol.paravisor.chipset.uart.SerialBackend;
import io.parasol.paravisor.chipset.uart.Uart16550;
import io.parasol.paravisor.pci.PciConfigPorts;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.pci.PciHostBridge;
import io.parasol.paravisor.pci.PciRoot;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PC chipset of a Parasol VM, wired the way a Q35-class PC is and the ACPI tables will describe
 * it:
 *
 * <table>
 *   <caption>Devices, ports and interrupts</caption>
 *   <tr><th>device</th><th>where</th><th>ISA IRQ → IOAPIC pin</th></tr>
 *   <tr><td>8259A pair + ELCR</td><td>0x20, 0xA0, 0x4D0</td><td>INTR → vCPU 0 LINT0 (ExtINT)</td></tr>
 *   <tr><td>IOAPIC (24 pins)</td><td>0xFEC00000</td><td>MSIs to the local APICs</td></tr>
 *   <tr><td>8254 PIT, port 0x61</td><td>0x40–0x43, 0x61</td><td>0 → pin 2 (MADT override)</td></tr>
 *   <tr><td>i8042</td><td>0x60, 0x64</td><td>1, 12</td></tr>
 *   <tr><td>COM1–COM4</td><td>0x3F8, 0x2F8, 0x3E8, 0x2E8</td><td>4, 3, 4, 3 (wired-OR)</td></tr>
 *   <tr><td>CMOS RTC</td><td>0x70, 0x71</td><td>8</td></tr>
 *   <tr><td>ACPI PM block</td><td>0x600 (PM1a_EVT), 0x604 (PM1a_CNT), 0x608 (PM_TMR)</td><td>SCI 9</td></tr>
 *   <tr><td>reset control</td><td>0xCF9</td><td></td></tr>
 *   <tr><td>PCI host bridge 00:00.0</td><td>0xCF8/0xCFC, ECAM 0xB0000000</td><td></td></tr>
 *   <tr><td>virtio-pci functions 00:01.0…</td><td>BAR 0 in the 32-bit PCI window</td><td>MSI-X;
 *   INTA# of device d on GSI 16 + d % 8 (level, active low; the DSDT's _PRT)</td></tr>
 *   <tr><td>POST code, debug console</td><td>0x80, 0xE9</td><td></td></tr>
 * </table>
 *
 * <p>Every ISA IRQ reaches both the PIC (pin n) and the IOAPIC (pin n, IRQ0 on pin 2), so a guest
 * can use either, as on real hardware.
 */
public final class PcChipset implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PcChipset.class);

  /** IOAPIC pin of each ISA IRQ: identity except the PIT's IRQ0 on pin 2. */
  static int ioApicPin(int isaIrq) {
    return isaIrq == 0 ? 2 : isaIrq;
  }

  private final DualPic8259 pic;
  private final IoApic ioApic;
  private final Pit8254 pit;
  private final CmosRtc rtc;
  private final I8042 i8042;
  private final AcpiPmBlock pm;
  private final PostCodePort postCode;
  private final PciRoot pci;
  private final List<Uart16550> uarts = new ArrayList<>();
  private final List<SerialBackend> serialBackends = new ArrayList<>();

  PcChipset(
      ChipsetBus bus,
      Partition partition,
      PowerControl power,
      TimeSource time,
      InstantSource wallClock,
      SerialBackend com1) {
    VirtualProcessor bsp = partition.vp(0);
    pic = new DualPic8259(level -> bsp.extIntChanged());
    bsp.setExtIntSource(pic);
    ioApic =
        new IoApic(
            IoApic.defaultRegion(),
            0,
            partition.msiTarget(),
            (pin, address, data, masked) -> {
              try {
                partition.setIoApicRoute(pin, address, data, masked);
              } catch (HypervisorException e) {
                LOG.error("cannot route IOAPIC pin {}: {}", pin, e.getMessage());
              }
            });
    bus.register(pic);
    bus.register(ioApic);

    pit = new Pit8254(time, isaIrq(0));
    bus.register(pit);

    rtc = new CmosRtc(time, wallClock, ZoneOffset.UTC, isaIrq(8));
    long low = partition.config().lowMemoryBytes();
    rtc.setMemorySize(low, partition.config().highMemoryBytes());
    bus.register(rtc);

    i8042 = new I8042(isaIrq(1), isaIrq(12), power);
    bus.register(i8042);

    WiredOrLine irq4 = new WiredOrLine(isaIrq(4));
    WiredOrLine irq3 = new WiredOrLine(isaIrq(3));
    for (PcComPort port : PcComPort.values()) {
      SerialBackend backend =
          port == PcComPort.COM1 && com1 != null ? com1 : new CapturingSerialBackend();
      if (port != PcComPort.COM1 || com1 == null) {
        serialBackends.add(backend); // ours to close; COM1's belongs to the caller
      }
      InterruptLine irq = (port.isaIrq() == 4 ? irq4 : irq3).newInput();
      Uart16550 uart = port.create(irq, backend, time);
      uarts.add(uart);
      bus.register(uart);
    }

    pm = new AcpiPmBlock(AcpiPmBlock.DEFAULT_BASE_PORT, time, isaIrq(9), power);
    bus.register(pm);
    bus.register(new ResetControlRegister(power));

    if (PciEcam.DEFAULT_BASE < partition.config().mmioHoleStart()) {
      // RAM would shadow the ECAM window: the guest could never reach PCI config space by MMIO.
      throw new IllegalArgumentException(
          String.format(
              "the MMIO hole starts at 0x%x, above the PCI ECAM window at 0x%x",
              partition.config().mmioHoleStart(), PciEcam.DEFAULT_BASE));
    }
    pci = new PciRoot();
    pci.registerDevice(0, 0, 0, new PciHostBridge());
    bus.register(new PciConfigPorts(pci));
    bus.register(new PciEcam(pci, PciEcam.DEFAULT_BASE, PciEcam.DEFAULT_BUS_COUNT));

    postCode = new PostCodePort();
    bus.register(postCode);
    bus.register(new DebugConsolePort(DebugConsolePort.loggingSink()));
  }

  /** An ISA IRQ line: drives PIC input {@code irq} and its IOAPIC pin together. */
  InterruptLine isaIrq(int irq) {
    InterruptLine picInput = pic.irq(irq == 2 ? 9 : irq);
    InterruptLine ioApicInput = ioApic.pin(ioApicPin(irq));
    return asserted -> {
      picInput.setLevel(asserted);
      ioApicInput.setLevel(asserted);
    };
  }

  /**
   * The GSI (IOAPIC pin) of INTA# of PCI device {@code device} on bus 0: pins 16–23, which no ISA
   * device uses, in turn by device number. The DSDT's {@code _PRT} says the same, so the guest
   * programs them level-triggered, active low.
   */
  static int pciIntxGsi(int device) {
    return 16 + device % 8;
  }

  private final java.util.Map<Integer, WiredOrLine> pciIntx = new java.util.HashMap<>();

  /**
   * A new INTx input on IOAPIC pin {@code gsi}: asserted drives the pin low (PCI interrupts are
   * active low and shared, wired-OR). The pin idles high from the first call.
   */
  synchronized InterruptLine pciIntx(int gsi) {
    WiredOrLine line =
        pciIntx.computeIfAbsent(
            gsi,
            irq -> {
              InterruptLine pin = ioApic.pin(irq);
              pin.setLevel(true);
              return new WiredOrLine(asserted -> pin.setLevel(!asserted));
            });
    return line.newInput();
  }

  /** Where local-APIC EOIs of level-triggered vectors go. */
  EoiListener eoiListener() {
    return ioApic;
  }

  public DualPic8259 pic() {
    return pic;
  }

  public IoApic ioApic() {
    return ioApic;
  }

  public CmosRtc rtc() {
    return rtc;
  }

  public AcpiPmBlock acpiPm() {
    return pm;
  }

  public PciRoot pci() {
    return pci;
  }

  public PostCodePort postCode() {
    return postCode;
  }

  /** First and last index of the CMOS RAM that survives a reset (MC146818A: 114 bytes). */
  static final int CMOS_RAM_FIRST = 0x0E;

  static final int CMOS_RAM_LAST = 0x7F;

  /** The CMOS RAM bytes 0x0E–0x7F, to carry into a rebooted VM as a real PC keeps them. */
  public byte[] cmosRam() {
    byte[] ram = new byte[CMOS_RAM_LAST - CMOS_RAM_FIRST + 1];
    for (int i = 0; i < ram.length; i++) {
      ram[i] = (byte) rtc.readNvram(CMOS_RAM_FIRST + i);
    }
    return ram;
  }

  void restoreCmosRam(byte[] ram) {
    if (ram.length != CMOS_RAM_LAST - CMOS_RAM_FIRST + 1) {
      throw new IllegalArgumentException("CMOS RAM is 114 bytes, not " + ram.length);
    }
    for (int i = 0; i < ram.length; i++) {
      rtc.writeNvram(CMOS_RAM_FIRST + i, ram[i]);
    }
  }

  /** COM1 to COM4, in that order. */
  public List<Uart16550> uarts() {
    return List.copyOf(uarts);
  }

  /** Closes the serial back ends the chipset made (not COM1's, which the caller owns). */
  @Override
  public void close() {
    for (SerialBackend b : serialBackends) {
      try {
        b.close();
      } catch (Exception e) {
        LOG.warn("closing a serial back end failed: {}", e.getMessage());
      }
    }
  }
}
