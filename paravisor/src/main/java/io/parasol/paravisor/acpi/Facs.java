package io.parasol.paravisor.acpi;

/**
 * Firmware ACPI Control Structure (ACPI 6.5 §5.2.10): required by a FADT that is not HW-reduced. 64
 * bytes on a 64-byte boundary, no checksum; hardware signature 0, no waking vector (Parasol offers
 * no S1–S4), global lock free.
 */
public final class Facs {
  private Facs() {}

  public static final int LENGTH = 64;
  public static final int ALIGNMENT = 64;
  public static final int VERSION = 2;

  public static byte[] build() {
    TableWriter t = new TableWriter(LENGTH);
    t.ascii(0, "FACS", 4).u32(4, LENGTH).u8(32, VERSION);
    return t.array();
  }
}
