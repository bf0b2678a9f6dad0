package io.parasol.igvm.build;

import java.util.List;

/**
 * The SEV-SNP CPUID page an image carries (IGVM page data type CPUID_DATA): the table of CPUID
 * functions the guest may ask for, which the host fills with the values it offers and the PSP
 * checks at launch (SNP ABI, CPUID page). The builder writes the inputs only, outputs zero, so the
 * page depends on nothing but this list: builds stay reproducible, and the PSP measures CPUID pages
 * by type and GPA, not by contents.
 *
 * <pre>
 *   0x00  u32 count, then 12 reserved bytes
 *   0x10  count entries of 48 bytes, at most 64:
 *         +0x00 u32 eax_in (function)   +0x04 u32 ecx_in (subfunction)
 *         +0x08 u64 xcr0_in             +0x10 u64 xss_in
 *         +0x18 u32 eax, ebx, ecx, edx (outputs, zero here)   +0x28 8 reserved bytes
 * </pre>
 */
public final class SnpCpuidPage {
  /** Bytes before the first entry. */
  public static final int HEADER_BYTES = 16;

  /** Bytes per entry. */
  public static final int ENTRY_BYTES = 48;

  /** Entries the page can hold. */
  public static final int MAX_ENTRIES = 64;

  /**
   * One CPUID function the guest may query.
   *
   * @param function EAX on input
   * @param subfunction ECX on input (0 where the function has none)
   * @param xcr0 XCR0 on input: nonzero for the XSAVE leaf 0xD, whose sizes depend on it
   */
  public record Leaf(int function, int subfunction, long xcr0) {}

  /**
   * The functions Parasol's images list: the standard and extended leaves a Linux SNP guest reads
   * while it boots (vendor and maximum leaves, features, caches, topology, XSAVE with XCR0 = x87
   * only, the brand string, the address sizes, SVM and the memory-encryption leaf 0x8000001F).
   */
  public static final List<Leaf> LEAVES =
      List.of(
          new Leaf(0x0, 0, 0),
          new Leaf(0x1, 0, 0),
          new Leaf(0x2, 0, 0),
          new Leaf(0x4, 0, 0),
          new Leaf(0x4, 1, 0),
          new Leaf(0x4, 2, 0),
          new Leaf(0x4, 3, 0),
          new Leaf(0x5, 0, 0),
          new Leaf(0x6, 0, 0),
          new Leaf(0x7, 0, 0),
          new Leaf(0x7, 1, 0),
          new Leaf(0xB, 0, 0),
          new Leaf(0xB, 1, 0),
          new Leaf(0xD, 0, 1),
          new Leaf(0xD, 1, 1),
          new Leaf(0x8000_0000, 0, 0),
          new Leaf(0x8000_0001, 0, 0),
          new Leaf(0x8000_0002, 0, 0),
          new Leaf(0x8000_0003, 0, 0),
          new Leaf(0x8000_0004, 0, 0),
          new Leaf(0x8000_0005, 0, 0),
          new Leaf(0x8000_0006, 0, 0),
          new Leaf(0x8000_0007, 0, 0),
          new Leaf(0x8000_0008, 0, 0),
          new Leaf(0x8000_000A, 0, 0),
          new Leaf(0x8000_0019, 0, 0),
          new Leaf(0x8000_001A, 0, 0),
          new Leaf(0x8000_001D, 0, 0),
          new Leaf(0x8000_001D, 1, 0),
          new Leaf(0x8000_001D, 2, 0),
          new Leaf(0x8000_001D, 3, 0),
          new Leaf(0x8000_001E, 0, 0),
          new Leaf(0x8000_001F, 0, 0));

  private SnpCpuidPage() {}

  /** The 4 KiB page listing {@link #LEAVES}. */
  public static byte[] page() {
    return page(LEAVES);
  }

  /** The 4 KiB page listing {@code leaves} (at most {@link #MAX_ENTRIES}). */
  public static byte[] page(List<Leaf> leaves) {
    if (leaves.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          leaves.size() + " CPUID leaves do not fit the page's " + MAX_ENTRIES);
    }
    byte[] page = new byte[4096];
    put(page, 0, leaves.size(), 4);
    for (int i = 0; i < leaves.size(); i++) {
      Leaf leaf = leaves.get(i);
      int at = HEADER_BYTES + i * ENTRY_BYTES;
      put(page, at, leaf.function(), 4);
      put(page, at + 4, leaf.subfunction(), 4);
      put(page, at + 8, leaf.xcr0(), 8);
    }
    return page;
  }

  private static void put(byte[] b, int at, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
