package io.parasol.igvm.build;

/**
 * The boot VP's initial state, the same on every platform (each gets it in its own VP context
 * format): flat segments from the image's GDT, either 32-bit protected mode without paging or
 * 64-bit long mode on identity-mapped page tables.
 *
 * @param longMode 64-bit long mode (else 32-bit protected mode, paging off)
 * @param rip entry point
 * @param rsp initial stack pointer
 * @param rsi initial RSI (Linux: the boot_params GPA)
 * @param cr3 page table root (long mode)
 */
public record EntryState(boolean longMode, long rip, long rsp, long rsi, long cr3) {
  /** GDT selectors of the image's GDT page ({@link Layout#GDT_GPA}). */
  public static final int CODE32_SELECTOR = 0x08;

  public static final int DATA_SELECTOR = 0x10;
  public static final int CODE64_SELECTOR = 0x18;

  /** Segment attributes in the Hyper-V/IGVM 16-bit form (type, S, DPL, P; AVL, L, D/B, G). */
  public static final int CODE32_ATTRIBUTES = 0xC09B;

  public static final int CODE64_ATTRIBUTES = 0xA09B;
  public static final int DATA_ATTRIBUTES = 0xC093;

  public long cr0() {
    return longMode ? 0x8000_0031L : 0x11; // PG|NE|ET|PE, or ET|PE
  }

  public long cr4() {
    return longMode ? 0x20 : 0; // PAE
  }

  public long efer() {
    return longMode ? 0x500 : 0; // LMA|LME
  }

  public int codeSelector() {
    return longMode ? CODE64_SELECTOR : CODE32_SELECTOR;
  }

  public int codeAttributes() {
    return longMode ? CODE64_ATTRIBUTES : CODE32_ATTRIBUTES;
  }

  public long effectiveCr3() {
    return longMode ? cr3 : 0;
  }
}
