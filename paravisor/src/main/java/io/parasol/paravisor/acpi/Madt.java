package io.parasol.paravisor.acpi;

/**
 * Multiple APIC Description Table (ACPI 6.5 §5.2.12) for the PC chipset: local APICs at 0xFEE00000,
 * PCAT_COMPAT (the 8259 pair is present), one enabled Processor Local APIC per vCPU (ACPI processor
 * UID = APIC ID = index), the IOAPIC, the two Interrupt Source Overrides QEMU and real PCs use (ISA
 * IRQ0 → GSI 2; the SCI on IRQ 9 → GSI 9 level, active high) and LINT1 as NMI on every processor.
 */
public final class Madt {
  private Madt() {}

  public static final int REVISION = 5;
  public static final long LOCAL_APIC_ADDRESS = 0xFEE0_0000L;
  public static final int PCAT_COMPAT = 1;

  /** Most vCPUs with xAPIC entries: UIDs and APIC IDs are bytes and 0xFF means "all". */
  public static final int MAX_VCPUS = 255;

  static final int TYPE_LOCAL_APIC = 0;
  static final int TYPE_IO_APIC = 1;
  static final int TYPE_INTERRUPT_SOURCE_OVERRIDE = 2;
  static final int TYPE_LOCAL_APIC_NMI = 4;

  static final int LOCAL_APIC_LENGTH = 8;
  static final int IO_APIC_LENGTH = 12;
  static final int OVERRIDE_LENGTH = 10;
  static final int LOCAL_APIC_NMI_LENGTH = 6;

  /** MPS INTI flags (§5.2.12.5): polarity bits 1–0, trigger mode bits 3–2. */
  static final int INTI_CONFORMING = 0;

  static final int INTI_ACTIVE_HIGH_LEVEL = 0b01 | (0b11 << 2);

  public static int length(int vcpus) {
    return 44
        + LOCAL_APIC_LENGTH * vcpus
        + IO_APIC_LENGTH
        + 2 * OVERRIDE_LENGTH
        + LOCAL_APIC_NMI_LENGTH;
  }

  /**
   * @param vcpus number of vCPUs, 1–{@link #MAX_VCPUS}
   * @param ioApicId the IOAPIC's ID
   * @param ioApicAddress its MMIO base
   * @param sciIrq the ISA IRQ of the SCI (9 in the PC chipset)
   */
  public static byte[] build(int vcpus, int ioApicId, long ioApicAddress, int sciIrq) {
    if (vcpus < 1 || vcpus > MAX_VCPUS) {
      throw new IllegalArgumentException("MADT describes 1 to " + MAX_VCPUS + " vCPUs: " + vcpus);
    }
    TableWriter t = TableWriter.sdt("APIC", length(vcpus), REVISION);
    t.u32(36, LOCAL_APIC_ADDRESS).u32(40, PCAT_COMPAT);
    int off = 44;
    for (int i = 0; i < vcpus; i++) {
      t.u8(off, TYPE_LOCAL_APIC).u8(off + 1, LOCAL_APIC_LENGTH).u8(off + 2, i).u8(off + 3, i);
      t.u32(off + 4, 1); // Enabled
      off += LOCAL_APIC_LENGTH;
    }
    t.u8(off, TYPE_IO_APIC).u8(off + 1, IO_APIC_LENGTH).u8(off + 2, ioApicId).u8(off + 3, 0);
    t.u32(off + 4, ioApicAddress).u32(off + 8, 0); // GSI base 0
    off += IO_APIC_LENGTH;
    off = override(t, off, 0, 2, INTI_CONFORMING);
    off = override(t, off, sciIrq, sciIrq, INTI_ACTIVE_HIGH_LEVEL);
    t.u8(off, TYPE_LOCAL_APIC_NMI).u8(off + 1, LOCAL_APIC_NMI_LENGTH);
    t.u8(off + 2, 0xFF).u16(off + 3, INTI_CONFORMING).u8(off + 5, 1); // all processors, LINT1
    return t.finish();
  }

  private static int override(TableWriter t, int off, int isaIrq, int gsi, int flags) {
    t.u8(off, TYPE_INTERRUPT_SOURCE_OVERRIDE).u8(off + 1, OVERRIDE_LENGTH).u8(off + 2, 0);
    t.u8(off + 3, isaIrq).u32(off + 4, gsi).u16(off + 8, flags);
    return off + OVERRIDE_LENGTH;
  }
}
