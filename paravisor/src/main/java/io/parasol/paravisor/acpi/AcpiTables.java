package io.parasol.paravisor.acpi;

import io.parasol.isolation.PartitionConfig;
import io.parasol.paravisor.chipset.acpi.AcpiPmBlock;
import io.parasol.paravisor.chipset.ioapic.IoApic;
import io.parasol.paravisor.chipset.uart.PcComPort;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.tpm.TpmCrb;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the ACPI tables of a PC-chipset VM and lays them out in one blob for a guest-physical
 * base:
 *
 * <pre>
 * base + 0x00   RSDP (36 bytes; base must be 16-byte aligned)
 * next 64-byte  FACS
 * then, each 16-byte aligned: DSDT, FACP, APIC (MADT), MCFG, TPM2 (with a TPM), XSDT
 * </pre>
 *
 * <p>Put the blob at {@link #BIOS_AREA_BASE} (0xE0000) and a guest that scans the BIOS area
 * 0xE0000–0xFFFFF on 16-byte boundaries finds the RSDP; or hand {@link Blob#rsdpAddress()} to Linux
 * in {@code boot_params.acpi_rsdp_addr}. The whole blob must be reserved (E820 type 3, ACPI
 * reclaimable, or 2) in the guest's memory map, as must the ECAM window.
 *
 * <p>The 32-bit PCI memory window is the MMIO hole {@code [mmioHoleStart, 4 GiB)} cut off at the
 * IOAPIC ({@code 0xFEC00000}: IOAPIC, HPET, local APICs and the flash live above it) with the ECAM
 * window removed where it overlaps the hole.
 */
public final class AcpiTables {
  /** The conventional place for the RSDP and its tables: the BIOS area scanned by the OS. */
  public static final long BIOS_AREA_BASE = 0xE_0000L;

  /** End of the BIOS area: a blob at {@link #BIOS_AREA_BASE} must not pass it. */
  public static final long BIOS_AREA_END = 0x10_0000L;

  /** Where the 32-bit PCI window stops: the IOAPIC and everything above belong to the platform. */
  public static final long PCI_HOLE_32_END = IoApic.DEFAULT_BASE;

  /** The SCI's ISA IRQ, as the PC chipset wires the PM block. */
  public static final int SCI_IRQ = 9;

  private static final long FOUR_GIB = PartitionConfig.FOUR_GIB;
  private static final long ONE_GIB = 1L << 30;

  /** The laid-out tables. */
  public record Blob(long baseAddress, byte[] bytes, long rsdpAddress, Map<String, Long> tables) {
    /** A copy of the table with this signature ("RSD PTR " for the RSDP), from the blob. */
    public byte[] table(String signature) {
      Long addr = tables.get(signature);
      if (addr == null) {
        throw new IllegalArgumentException("no table " + signature);
      }
      int off = (int) (addr - baseAddress);
      int len =
          signature.equals("RSD PTR ")
              ? Rsdp.LENGTH
              : (bytes[off + 4] & 0xFF)
                  | (bytes[off + 5] & 0xFF) << 8
                  | (bytes[off + 6] & 0xFF) << 16
                  | (bytes[off + 7] & 0xFF) << 24;
      return java.util.Arrays.copyOfRange(bytes, off, off + len);
    }
  }

  private int vcpus = 1;
  private long highMemoryBytes = 0;
  private long mmioHoleStart = PartitionConfig.DEFAULT_MMIO_HOLE_START;
  private long ecamBase = PciEcam.DEFAULT_BASE;
  private int ecamBuses = PciEcam.DEFAULT_BUS_COUNT;
  private long pciMemory64Size = 0;
  private Set<PcComPort> comPorts = EnumSet.allOf(PcComPort.class);
  private boolean i8042 = true;
  private boolean rtc = true;
  private long tpmCrbBase = -1;
  private long tpmLogLength;
  private long tpmLogAddress;
  private List<Dsdt.PrtEntry> pciRoutes = List.of();
  private List<Dsdt.VirtioMmioEntry> virtioMmio = List.of();

  public static AcpiTables builder() {
    return new AcpiTables();
  }

  /** vCPU count, RAM layout and MMIO hole from the partition's configuration. */
  public AcpiTables partition(PartitionConfig config) {
    vcpuCount(config.vpCount());
    highMemoryBytes = config.highMemoryBytes();
    mmioHoleStart = config.mmioHoleStart();
    return this;
  }

  public AcpiTables vcpuCount(int n) {
    if (n < 1 || n > Madt.MAX_VCPUS) {
      throw new IllegalArgumentException("vCPU count must be 1 to " + Madt.MAX_VCPUS + ": " + n);
    }
    vcpus = n;
    return this;
  }

  /** ECAM window: base and number of buses (1 MiB each), segment 0 from bus 0. */
  public AcpiTables ecam(long base, int buses) {
    if (buses < 1 || buses > 256) {
      throw new IllegalArgumentException("ECAM covers 1 to 256 buses: " + buses);
    }
    ecamBase = base;
    ecamBuses = buses;
    return this;
  }

  /** Adds a 64-bit PCI window of {@code size} bytes at the first 1 GiB boundary above RAM. */
  public AcpiTables pciMemory64(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size");
    }
    pciMemory64Size = size;
    return this;
  }

  /** Which COM ports the DSDT lists (default: all four, as the PC chipset has). */
  public AcpiTables comPorts(Set<PcComPort> ports) {
    comPorts = ports.isEmpty() ? EnumSet.noneOf(PcComPort.class) : EnumSet.copyOf(ports);
    return this;
  }

  public AcpiTables i8042(boolean present) {
    i8042 = present;
    return this;
  }

  public AcpiTables rtc(boolean present) {
    rtc = present;
    return this;
  }

  /**
   * Describes a TPM behind a CRB at {@code crbBase} ({@link TpmCrb#DEFAULT_BASE} on a PC): a {@code
   * TPM2} table naming its control area and the event log ({@code logLength} bytes at {@code
   * logAddress}; both 0 while there is no log), and a {@code MSFT0101} device in the DSDT.
   */
  public AcpiTables tpmCrb(long crbBase, long logLength, long logAddress) {
    if (crbBase < 0 || crbBase + TpmCrb.SIZE > FOUR_GIB) {
      throw new IllegalArgumentException("the CRB must lie below 4 GiB");
    }
    tpmCrbBase = crbBase;
    tpmLogLength = logLength;
    tpmLogAddress = logAddress;
    return this;
  }

  /** The host bridge's {@code _PRT}: where PCI functions' INTx pins go (default: none). */
  public AcpiTables pciInterruptRoutes(List<Dsdt.PrtEntry> routes) {
    pciRoutes = List.copyOf(routes);
    return this;
  }

  /**
   * The virtio-mmio devices the DSDT declares (default: none); the 32-bit PCI window stops below
   * the first one's registers.
   */
  public AcpiTables virtioMmio(List<Dsdt.VirtioMmioEntry> devices) {
    virtioMmio = List.copyOf(devices);
    return this;
  }

  /**
   * The 32-bit PCI memory window(s): the MMIO hole below the IOAPIC minus the ECAM window and the
   * virtio-mmio registers (from the first up to the IOAPIC), as the host bridge's {@code _CRS}
   * lists them (and where the VM builder places BARs).
   */
  public List<AddressRange> pciMemory32() {
    List<AddressRange> out = new ArrayList<>();
    if (mmioHoleStart < PCI_HOLE_32_END) {
      out.add(new AddressRange(mmioHoleStart, PCI_HOLE_32_END - mmioHoleStart));
    }
    AddressRange ecam = new AddressRange(ecamBase, ecamBytes());
    List<AddressRange> cut = new ArrayList<>();
    for (AddressRange r : out) {
      cut.addAll(r.minus(ecam));
    }
    // The virtio-mmio registers sit at the top of the hole: the window stops below the first.
    long mmioStart =
        virtioMmio.stream().mapToLong(Dsdt.VirtioMmioEntry::base).min().orElse(PCI_HOLE_32_END);
    long mmioEnd =
        virtioMmio.stream().mapToLong(e -> e.base() + e.length()).max().orElse(PCI_HOLE_32_END);
    if (mmioStart < PCI_HOLE_32_END) {
      AddressRange registers =
          new AddressRange(mmioStart, Math.max(mmioEnd, PCI_HOLE_32_END) - mmioStart);
      List<AddressRange> next = new ArrayList<>();
      for (AddressRange r : cut) {
        next.addAll(r.minus(registers));
      }
      cut = next;
    }
    return cut;
  }

  long pciMemory64Base() {
    long top = FOUR_GIB + highMemoryBytes;
    return (top + ONE_GIB - 1) & -ONE_GIB;
  }

  private long ecamBytes() {
    return (long) ecamBuses << 20;
  }

  /** Lays all tables out for {@code baseAddress} (16-byte aligned, below 4 GiB). */
  public Blob build(long baseAddress) {
    if ((baseAddress & 0xF) != 0 || baseAddress < 0 || baseAddress >= FOUR_GIB) {
      throw new IllegalArgumentException("ACPI blob base must be 16-byte aligned below 4 GiB");
    }
    Map<String, Long> addr = new LinkedHashMap<>();
    long rsdp = baseAddress;
    long facs = align(rsdp + Rsdp.LENGTH, Facs.ALIGNMENT);
    byte[] dsdt =
        Dsdt.build(
            new Dsdt.Layout(
                ecamBase,
                ecamBytes(),
                pciMemory32(),
                pciMemory64Base(),
                pciMemory64Size,
                comPorts,
                i8042,
                rtc,
                tpmCrbBase >= 0 ? tpmCrbBase : Dsdt.Layout.NO_TPM,
                pciRoutes,
                virtioMmio));
    long dsdtAt = align(facs + Facs.LENGTH, 16);
    long fadtAt = align(dsdtAt + dsdt.length, 16);
    byte[] fadt = Fadt.build(dsdtAt, facs, AcpiPmBlock.DEFAULT_BASE_PORT, SCI_IRQ);
    long madtAt = align(fadtAt + fadt.length, 16);
    byte[] madt = Madt.build(vcpus, 0, IoApic.DEFAULT_BASE, SCI_IRQ);
    long mcfgAt = align(madtAt + madt.length, 16);
    byte[] mcfg = Mcfg.build(ecamBase, 0, ecamBuses - 1);
    long tablesEnd = mcfgAt + mcfg.length;
    List<Long> xsdtEntries = new ArrayList<>(List.of(fadtAt, madtAt, mcfgAt));
    byte[] tpm2 = null;
    long tpm2At = 0;
    if (tpmCrbBase >= 0) {
      tpm2At = align(tablesEnd, 16);
      tpm2 = Tpm2.build(tpmCrbBase + TpmCrb.CONTROL_AREA_OFFSET, tpmLogLength, tpmLogAddress);
      tablesEnd = tpm2At + tpm2.length;
      xsdtEntries.add(tpm2At);
    }
    long xsdtAt = align(tablesEnd, 16);
    byte[] xsdt = Xsdt.build(xsdtEntries);
    long end = xsdtAt + xsdt.length;

    byte[] blob = new byte[(int) (end - baseAddress)];
    place(blob, baseAddress, rsdp, Rsdp.build(xsdtAt), Rsdp.SIGNATURE, addr);
    place(blob, baseAddress, facs, Facs.build(), "FACS", addr);
    place(blob, baseAddress, dsdtAt, dsdt, "DSDT", addr);
    place(blob, baseAddress, fadtAt, fadt, "FACP", addr);
    place(blob, baseAddress, madtAt, madt, "APIC", addr);
    place(blob, baseAddress, mcfgAt, mcfg, "MCFG", addr);
    if (tpm2 != null) {
      place(blob, baseAddress, tpm2At, tpm2, "TPM2", addr);
    }
    place(blob, baseAddress, xsdtAt, xsdt, "XSDT", addr);
    return new Blob(baseAddress, blob, rsdp, Collections.unmodifiableMap(addr));
  }

  private static void place(
      byte[] blob, long base, long at, byte[] table, String sig, Map<String, Long> addr) {
    System.arraycopy(table, 0, blob, (int) (at - base), table.length);
    addr.put(sig, at);
  }

  private static long align(long v, long a) {
    return (v + a - 1) & -a;
  }
}
