package io.parasol.isolation;

/** Segment, descriptor-table and control registers of an x86-64 vCPU. */
public record X86SpecialRegisters(
    X86Segment cs,
    X86Segment ds,
    X86Segment es,
    X86Segment fs,
    X86Segment gs,
    X86Segment ss,
    X86Segment tr,
    X86Segment ldt,
    X86DescriptorTable gdt,
    X86DescriptorTable idt,
    long cr0,
    long cr2,
    long cr3,
    long cr4,
    long cr8,
    long efer,
    long apicBase) {

  @Override
  public String toString() {
    return String.format(
        "cs  %s%nds  %s%nes  %s%nfs  %s%ngs  %s%nss  %s%ntr  %s%nldt %s%ngdt %s%nidt %s%n"
            + "cr0=%016x cr2=%016x cr3=%016x cr4=%016x cr8=%x efer=%x apic_base=%x",
        cs, ds, es, fs, gs, ss, tr, ldt, gdt, idt, cr0, cr2, cr3, cr4, cr8, efer, apicBase);
  }
}
