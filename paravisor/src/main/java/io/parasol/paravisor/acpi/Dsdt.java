package io.parasol.paravisor.acpi;

import static io.parasol.paravisor.acpi.aml.Aml.device;
import static io.parasol.paravisor.acpi.aml.Aml.eisaId;
import static io.parasol.paravisor.acpi.aml.Aml.integer;
import static io.parasol.paravisor.acpi.aml.Aml.name;

import io.parasol.paravisor.acpi.aml.Aml;
import io.parasol.paravisor.acpi.aml.ResourceTemplate;
import io.parasol.paravisor.acpi.aml.ResourceTemplate.Cacheability;
import io.parasol.paravisor.chipset.acpi.AcpiPmBlock;
import io.parasol.paravisor.chipset.uart.PcComPort;
import io.parasol.paravisor.tpm.TpmCrb;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Differentiated System Description Table (ACPI 6.5 §5.2.11.1), revision 2 (64-bit integers):
 *
 * <pre>
 * \_SB.PCI0          PNP0A08/PNP0A03 host bridge, _SEG 0, _BBN 0, _CRS: buses, I/O, memory;
 *                    _PRT (only with PCI functions that need it): INTx pins straight to GSIs
 * \_SB.PCI0.PDRC     PNP0C02 motherboard resource reserving the ECAM window (Linux only trusts
 *                    an MCFG area reserved here or in the E820 map)
 * \_SB.PCI0.ISA      the LPC/ISA bridge at 00:1F.0 as on QEMU's Q35, holding
 *   COM1..COM4       PNP0501, _UID 1-4
 *   RTC              PNP0B00, IO 0x70/2, IRQ 8
 *   KBD, MOU         PNP0303 (IO 0x60, 0x64, IRQ 1) and PNP0F13 (IRQ 12)
 * \_SB.TPM0          MSFT0101 TPM 2.0 (with a TPM): _STA 0x0F, _CRS the CRB's 4 KiB page
 * \_SB.VR00..        LNRO0005 virtio-mmio devices (with any): _UID n, _CRS their registers and
 *                    their interrupt (level, active high, exclusive)
 * \_S5               Package {S5_SLP_TYP, S5_SLP_TYP, 0, 0}
 * </pre>
 */
public final class Dsdt {
  private Dsdt() {}

  public static final int REVISION = 2;

  /** What the DSDT describes. */
  public record Layout(
      long ecamBase,
      long ecamSize,
      List<AddressRange> pciMemory32,
      long pciMemory64Base,
      long pciMemory64Size,
      Set<PcComPort> comPorts,
      boolean i8042,
      boolean rtc,
      long tpmCrbBase,
      List<PrtEntry> pciRoutes,
      List<VirtioMmioEntry> virtioMmio) {
    /** {@link #tpmCrbBase} when there is no TPM. */
    public static final long NO_TPM = -1;

    public Layout {
      pciRoutes = List.copyOf(pciRoutes);
      virtioMmio = List.copyOf(virtioMmio);
    }

    /** A layout without virtio-mmio devices. */
    public Layout(
        long ecamBase,
        long ecamSize,
        List<AddressRange> pciMemory32,
        long pciMemory64Base,
        long pciMemory64Size,
        Set<PcComPort> comPorts,
        boolean i8042,
        boolean rtc,
        long tpmCrbBase,
        List<PrtEntry> pciRoutes) {
      this(
          ecamBase,
          ecamSize,
          pciMemory32,
          pciMemory64Base,
          pciMemory64Size,
          comPorts,
          i8042,
          rtc,
          tpmCrbBase,
          pciRoutes,
          List.of());
    }
  }

  /**
   * One virtio-mmio device (virtio v1.2 §4.2): {@code length} bytes of registers at {@code base}
   * (below 4 GiB) and its interrupt on {@code gsi}. Linux's virtio_mmio driver binds to {@code
   * LNRO0005}, the ID QEMU's ARM virt machine and microvm give these devices; the Debian kernels
   * ignore {@code virtio_mmio.device=} on the command line, so the DSDT is how the guest finds
   * them.
   */
  public record VirtioMmioEntry(long base, long length, int gsi) {
    public VirtioMmioEntry {
      if (base <= 0 || length <= 0 || base + length > 1L << 32 || gsi < 0) {
        throw new IllegalArgumentException(
            "virtio-mmio at 0x" + Long.toHexString(base) + "+" + length + " on GSI " + gsi);
      }
    }
  }

  /**
   * One {@code _PRT} entry (ACPI 6.5 §6.2.13): INTx {@code pin} (0 = INTA#) of {@code device} on
   * bus 0 is wired to {@code gsi}, level-triggered and active low, with no link device.
   */
  public record PrtEntry(int device, int pin, int gsi) {
    public PrtEntry {
      if (device < 0 || device > 31 || pin < 0 || pin > 3 || gsi < 0) {
        throw new IllegalArgumentException("_PRT entry " + device + "/" + pin + " -> " + gsi);
      }
    }
  }

  public static byte[] build(Layout l) {
    byte[] body =
        Aml.concat(
            Aml.scope(
                "\\_SB",
                device(
                    "PCI0",
                    name("_HID", eisaId("PNP0A08")),
                    name("_CID", eisaId("PNP0A03")),
                    name("_UID", integer(0)),
                    name("_SEG", integer(0)),
                    name("_BBN", integer(0)),
                    name("_CRS", hostBridgeResources(l)),
                    prt(l),
                    device(
                        "PDRC",
                        name("_HID", eisaId("PNP0C02")),
                        name("_UID", integer(1)),
                        name(
                            "_CRS",
                            new ResourceTemplate()
                                .memory32Fixed(true, l.ecamBase(), l.ecamSize())
                                .toAml())),
                    isaBridge(l)),
                tpm(l),
                virtioMmio(l)),
            name(
                "\\_S5",
                Aml.pkgOf(
                    integer(AcpiPmBlock.S5_SLP_TYP),
                    integer(AcpiPmBlock.S5_SLP_TYP),
                    integer(0),
                    integer(0))));
    return TableWriter.sdt("DSDT", TableWriter.HEADER_LENGTH + body.length, REVISION)
        .bytes(TableWriter.HEADER_LENGTH, body)
        .finish();
  }

  /**
   * The TPM as the TCG ACPI Specification (§8.1) and QEMU declare it: {@code _HID "MSFT0101"}, the
   * ID Windows and Linux's {@code tpm_crb} match, and the CRB's page as its only resource.
   */
  private static byte[] tpm(Layout l) {
    if (l.tpmCrbBase() == Layout.NO_TPM) {
      return new byte[0];
    }
    return device(
        "TPM0",
        name("_HID", Aml.string("MSFT0101")),
        name("_CID", Aml.string("MSFT0101")),
        name("_UID", integer(1)),
        name("_STA", integer(0x0F)),
        name(
            "_CRS",
            new ResourceTemplate().memory32Fixed(true, l.tpmCrbBase(), TpmCrb.SIZE).toAml()));
  }

  /** The virtio-mmio devices VR00, VR01… (at most 256), in order. */
  private static byte[] virtioMmio(Layout l) {
    if (l.virtioMmio().size() > 256) {
      throw new IllegalArgumentException("at most 256 virtio-mmio devices");
    }
    byte[][] devices = new byte[l.virtioMmio().size()][];
    for (int i = 0; i < devices.length; i++) {
      VirtioMmioEntry e = l.virtioMmio().get(i);
      devices[i] =
          device(
              String.format("VR%02X", i),
              name("_HID", Aml.string("LNRO0005")),
              name("_UID", integer(i)),
              name(
                  "_CRS",
                  new ResourceTemplate()
                      .memory32Fixed(true, e.base(), e.length())
                      .interrupt(false, false, false, e.gsi())
                      .toAml()));
    }
    return Aml.concat(devices);
  }

  /**
   * The host bridge's interrupt routing table: address 0xDDDDFFFF (any function), pin, Zero, GSI.
   */
  private static byte[] prt(Layout l) {
    if (l.pciRoutes().isEmpty()) {
      return new byte[0];
    }
    byte[][] entries = new byte[l.pciRoutes().size()][];
    for (int i = 0; i < entries.length; i++) {
      PrtEntry e = l.pciRoutes().get(i);
      entries[i] =
          Aml.pkgOf(
              integer((long) e.device() << 16 | 0xFFFF),
              integer(e.pin()),
              integer(0),
              integer(e.gsi()));
    }
    return name("_PRT", Aml.pkgOf(entries));
  }

  private static byte[] hostBridgeResources(Layout l) {
    ResourceTemplate crs =
        new ResourceTemplate()
            .wordBusNumber(0, (int) (l.ecamSize() >>> 20) - 1) // the buses the ECAM covers
            .io(0xCF8, 8) // the config mechanism #1 ports, consumed by the bridge itself
            .wordIo(0x0000, 0x0CF7)
            .wordIo(0x0D00, 0xFFFF);
    for (AddressRange w : l.pciMemory32()) {
      crs.dwordMemory(Cacheability.NON_CACHEABLE, w.base(), w.end() - 1);
    }
    if (l.pciMemory64Size() > 0) {
      crs.qwordMemory(
          Cacheability.NON_CACHEABLE,
          l.pciMemory64Base(),
          l.pciMemory64Base() + l.pciMemory64Size() - 1);
    }
    return crs.toAml();
  }

  private static byte[] isaBridge(Layout l) {
    List<byte[]> terms = new ArrayList<>();
    terms.add(name("_ADR", integer(0x001F_0000)));
    for (PcComPort port : PcComPort.values()) {
      if (l.comPorts().contains(port)) {
        terms.add(
            device(
                port.name(),
                name("_HID", eisaId("PNP0501")),
                name("_UID", integer(port.ordinal() + 1)),
                name(
                    "_CRS",
                    new ResourceTemplate()
                        .io(port.basePort(), 8)
                        .irqNoFlags(port.isaIrq())
                        .toAml())));
      }
    }
    if (l.rtc()) {
      terms.add(
          device(
              "RTC",
              name("_HID", eisaId("PNP0B00")),
              name("_CRS", new ResourceTemplate().io(0x70, 2).irqNoFlags(8).toAml())));
    }
    if (l.i8042()) {
      terms.add(
          device(
              "KBD",
              name("_HID", eisaId("PNP0303")),
              name("_CRS", new ResourceTemplate().io(0x60, 1).io(0x64, 1).irqNoFlags(1).toAml())));
      terms.add(
          device(
              "MOU",
              name("_HID", eisaId("PNP0F13")),
              name("_CRS", new ResourceTemplate().irqNoFlags(12).toAml())));
    }
    return device("ISA", terms.toArray(byte[][]::new));
  }
}
