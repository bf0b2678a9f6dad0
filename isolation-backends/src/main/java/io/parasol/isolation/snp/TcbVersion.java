package io.parasol.isolation.snp;

/**
 * An SNP TCB_VERSION: the security patch levels of the firmware components, decoded from its raw
 * little-endian u64 with the product's layout.
 *
 * <p>Milan and Genoa (SEV-SNP ABI 56860, TCB_VERSION): byte 0 BOOT_LOADER, byte 1 TEE, bytes 2-5
 * reserved, byte 6 SNP, byte 7 MICROCODE. Turin: byte 0 FMC, byte 1 BOOT_LOADER, byte 2 TEE, byte 3
 * SNP, bytes 4-6 reserved, byte 7 MICROCODE. {@code fmc} is 0 for Milan and Genoa.
 *
 * @param raw the u64 as stored in the report
 */
public record TcbVersion(
    SnpProduct product, long raw, int fmc, int bootLoader, int tee, int snp, int microcode) {

  /** Decodes {@code raw} (the u64 as read little-endian) with {@code product}'s layout. */
  public static TcbVersion decode(long raw, SnpProduct product) {
    if (product == SnpProduct.TURIN) {
      return new TcbVersion(product, raw, b(raw, 0), b(raw, 1), b(raw, 2), b(raw, 3), b(raw, 7));
    }
    return new TcbVersion(product, raw, 0, b(raw, 0), b(raw, 1), b(raw, 6), b(raw, 7));
  }

  /** Whether the reserved bytes of the layout are zero. */
  public boolean reservedZero() {
    long mask = product == SnpProduct.TURIN ? 0x00FF_FFFF_0000_0000L : 0x0000_FFFF_FFFF_0000L;
    return (raw & mask) == 0;
  }

  /** Whether every component of this TCB is at least that of {@code min}. */
  public boolean atLeast(TcbVersion min) {
    return fmc >= min.fmc
        && bootLoader >= min.bootLoader
        && tee >= min.tee
        && snp >= min.snp
        && microcode >= min.microcode;
  }

  private static int b(long raw, int index) {
    return (int) (raw >>> (8 * index)) & 0xFF;
  }

  @Override
  public String toString() {
    return (product == SnpProduct.TURIN ? "fmc=" + fmc + " " : "")
        + "bl="
        + bootLoader
        + " tee="
        + tee
        + " snp="
        + snp
        + " ucode="
        + microcode;
  }
}
