package io.parasol.paravisor.acpi;

/**
 * PCI Express memory-mapped configuration table (PCI Firmware Specification 3.3 §4.1.2): one ECAM
 * allocation for segment 0. 36-byte header, 8 reserved bytes, then per allocation base address (8),
 * segment (2), start bus (1), end bus (1), reserved (4).
 */
public final class Mcfg {
  private Mcfg() {}

  public static final int LENGTH = 60;
  public static final int REVISION = 1;

  public static byte[] build(long ecamBase, int startBus, int endBus) {
    if (startBus < 0 || endBus > 255 || startBus > endBus) {
      throw new IllegalArgumentException("bad bus range " + startBus + "-" + endBus);
    }
    return TableWriter.sdt("MCFG", LENGTH, REVISION)
        .u64(44, ecamBase)
        .u16(52, 0)
        .u8(54, startBus)
        .u8(55, endBus)
        .finish();
  }
}
