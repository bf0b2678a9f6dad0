package io.parasol.isolation;

/**
 * A segment register as the hypervisor holds it: the hidden descriptor cache as well as the
 * selector.
 */
public record X86Segment(
    long base,
    int limit,
    int selector,
    int type,
    boolean present,
    int dpl,
    boolean db,
    boolean s,
    boolean l,
    boolean g,
    boolean avl,
    boolean unusable) {

  /** A flat 4 GiB code segment for 32-bit protected mode (execute/read, accessed). */
  public static X86Segment flatCode32(int selector) {
    return new X86Segment(
        0, 0xFFFF_FFFF, selector, 0xB, true, 0, true, true, false, true, false, false);
  }

  /** A 64-bit code segment (L=1, D=0). */
  public static X86Segment code64(int selector) {
    return new X86Segment(
        0, 0xFFFF_FFFF, selector, 0xB, true, 0, false, true, true, true, false, false);
  }

  /** A flat 4 GiB read/write data segment (accessed). */
  public static X86Segment flatData(int selector) {
    return new X86Segment(
        0, 0xFFFF_FFFF, selector, 0x3, true, 0, true, true, false, true, false, false);
  }

  /** A real-mode segment: base = selector × 16, 64 KiB limit. */
  public static X86Segment realMode(int selector, int type) {
    return new X86Segment(
        (selector & 0xFFFFL) << 4,
        0xFFFF,
        selector,
        type,
        true,
        0,
        false,
        true,
        false,
        false,
        false,
        false);
  }

  @Override
  public String toString() {
    return String.format(
        "sel=%04x base=%016x limit=%08x type=%x p=%d dpl=%d db=%d s=%d l=%d g=%d",
        selector,
        base,
        limit,
        type,
        present ? 1 : 0,
        dpl,
        db ? 1 : 0,
        s ? 1 : 0,
        l ? 1 : 0,
        g ? 1 : 0);
  }
}
