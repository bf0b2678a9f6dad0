package io.parasol.igvm.format;

/**
 * The fixed header's version fields: format v1 (24 bytes, implicitly x64 with 4 KiB pages) or v2
 * (32 bytes, with architecture and page size).
 *
 * @param version 1 or 2
 * @param architecture x64 for v1
 * @param pageSizeBytes 4096 (the only page size defined)
 */
public record FormatRevision(int version, Architecture architecture, int pageSizeBytes) {
  public static final int PAGE_SIZE = 4096;

  /** Format v1: what the reference writer emits for x64. */
  public static final FormatRevision V1 = new FormatRevision(1, Architecture.X64, PAGE_SIZE);

  public FormatRevision {
    java.util.Objects.requireNonNull(architecture, "architecture");
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("format_version " + version + " is not 1 or 2");
    }
    if (version == 1 && architecture != Architecture.X64) {
      throw new IllegalArgumentException("a format v1 file is x64; AArch64 needs format v2");
    }
    if (pageSizeBytes != PAGE_SIZE) {
      throw new IllegalArgumentException("page_size " + pageSizeBytes + " is not 4096");
    }
  }

  /** Format v2 for {@code architecture} with 4 KiB pages. */
  public static FormatRevision v2(Architecture architecture) {
    return new FormatRevision(2, architecture, PAGE_SIZE);
  }

  /** Size of the fixed header in bytes: 24 (v1) or 32 (v2). */
  public int fixedHeaderBytes() {
    return version == 1 ? 24 : 32;
  }
}
