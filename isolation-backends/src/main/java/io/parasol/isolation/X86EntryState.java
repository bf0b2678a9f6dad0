package io.parasol.isolation;

/**
 * Common x86 entry states for a boot vCPU, applied over its current (reset) special registers so
 * TR, LDT and the APIC base keep their reset values. The caller places code, and for long mode the
 * page tables, in guest memory; no GDT or IDT is needed in memory until the guest reloads a segment
 * or takes an interrupt, because the hypervisor holds the descriptor caches.
 *
 * @param registers general registers, RIP and RFLAGS to set
 * @param mode which segment and control-register setup to apply
 * @param cr3 page-table root for {@link Mode#LONG_64}, else 0
 * @param codeSelector real-mode CS for {@link Mode#REAL}; the CS selector otherwise
 * @param dataSelector the DS, ES, FS, GS and SS selector outside real mode
 * @param gdt the GDTR to load, or null to keep the vCPU's current one
 */
public record X86EntryState(
    X86Registers registers,
    Mode mode,
    long cr3,
    int codeSelector,
    int dataSelector,
    X86DescriptorTable gdt) {
  /** The processor mode entered. */
  public enum Mode {
    /** Real mode at CS:IP. */
    REAL,
    /** 32-bit protected mode, flat 4 GiB segments, no paging. */
    PROTECTED_32,
    /** 64-bit long mode with 4-level paging rooted at {@code cr3}. */
    LONG_64
  }

  // Intel SDM Vol. 3A §2.5 (CR0, CR4) and §2.2.1 (EFER).
  static final long CR0_PE = 1L;
  static final long CR0_ET = 1L << 4;
  static final long CR0_NE = 1L << 5;
  static final long CR0_PG = 1L << 31;
  static final long CR4_PAE = 1L << 5;
  static final long EFER_LME = 1L << 8;
  static final long EFER_LMA = 1L << 10;

  /** GDT selectors the flat states use (a GDT the guest loads later should match them). */
  public static final int CODE_SELECTOR = 0x08;

  public static final int DATA_SELECTOR = 0x10;

  /** Real mode at {@code cs:ip}: CS base = cs × 16, other segments at 0, interrupts off. */
  public static X86EntryState realMode(int cs, int ip) {
    return new X86EntryState(X86Registers.atEntry(ip & 0xFFFF), Mode.REAL, 0, cs & 0xFFFF, 0, null);
  }

  /** 32-bit flat protected mode (CR0.PE, no paging) at {@code entry} with stack {@code esp}. */
  public static X86EntryState protectedMode32(long entry, long esp) {
    return new X86EntryState(
        X86Registers.atEntry(entry).withRsp(esp),
        Mode.PROTECTED_32,
        0,
        CODE_SELECTOR,
        DATA_SELECTOR,
        null);
  }

  /**
   * 64-bit long mode at {@code entry} with stack {@code rsp}, paging on with the 4-level page
   * tables the caller wrote at {@code pml4Gpa} (which must map the code and stack).
   */
  public static X86EntryState longMode64(long entry, long rsp, long pml4Gpa) {
    return new X86EntryState(
        X86Registers.atEntry(entry).withRsp(rsp),
        Mode.LONG_64,
        pml4Gpa,
        CODE_SELECTOR,
        DATA_SELECTOR,
        null);
  }

  /**
   * 64-bit long mode with all of {@code registers} (RIP, RSP and whatever the payload takes, such
   * as RSI for Linux), paging rooted at {@code pml4Gpa}, CS = {@code codeSelector} (a 64-bit code
   * descriptor), the data segments = {@code dataSelector} (flat data), and GDTR = {@code gdt}. The
   * caller writes the GDT in guest memory with descriptors matching those selectors, so a segment
   * reload by the guest finds the same segments the hypervisor's descriptor caches hold.
   */
  public static X86EntryState longMode64(
      X86Registers registers,
      long pml4Gpa,
      int codeSelector,
      int dataSelector,
      X86DescriptorTable gdt) {
    return new X86EntryState(
        registers, Mode.LONG_64, pml4Gpa, codeSelector & 0xFFFF, dataSelector & 0xFFFF, gdt);
  }

  /** The special registers this state gives a vCPU whose current ones are {@code current}. */
  public X86SpecialRegisters specialRegisters(X86SpecialRegisters current) {
    return switch (mode) {
      case REAL ->
          withSegments(
              current,
              X86Segment.realMode(codeSelector, 0xB),
              X86Segment.realMode(0, 0x3),
              current.cr0() & ~(CR0_PE | CR0_PG),
              current.cr2(),
              current.cr3(),
              current.cr4() & ~CR4_PAE,
              0);
      case PROTECTED_32 ->
          withSegments(
              current,
              X86Segment.flatCode32(codeSelector),
              X86Segment.flatData(dataSelector),
              CR0_PE | CR0_ET | CR0_NE,
              0,
              0,
              0,
              0);
      case LONG_64 ->
          withSegments(
              current,
              X86Segment.code64(codeSelector),
              X86Segment.flatData(dataSelector),
              CR0_PE | CR0_ET | CR0_NE | CR0_PG,
              0,
              cr3,
              CR4_PAE,
              EFER_LME | EFER_LMA);
    };
  }

  /**
   * {@code current} with CS set to {@code code}, every data segment to {@code data}, and the given
   * control registers; TR, LDT, the IDT, CR8 and the APIC base are kept, and the GDT unless this
   * state names one.
   */
  private X86SpecialRegisters withSegments(
      X86SpecialRegisters current,
      X86Segment code,
      X86Segment data,
      long cr0,
      long cr2,
      long cr3,
      long cr4,
      long efer) {
    return new X86SpecialRegisters(
        code,
        data,
        data,
        data,
        data,
        data,
        current.tr(),
        current.ldt(),
        gdt != null ? gdt : current.gdt(),
        current.idt(),
        cr0,
        cr2,
        cr3,
        cr4,
        current.cr8(),
        efer,
        current.apicBase());
  }

  /** Puts {@code vp} into this state (special registers first, then general registers). */
  public void applyTo(VirtualProcessor vp) throws HypervisorException {
    vp.setSpecialRegisters(specialRegisters(vp.getSpecialRegisters()));
    vp.setRegisters(registers);
  }
}
