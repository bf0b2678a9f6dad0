package io.parasol.paravisor.acpi;

/**
 * Root System Description Pointer (ACPI 6.5 §5.2.5.3), ACPI 2.0+ form: 36 bytes, revision 2, no
 * RSDT, the XSDT's address, a checksum over the first 20 bytes and an extended checksum over all
 * 36. Must sit on a 16-byte boundary; in the BIOS area 0xE0000–0xFFFFF a legacy guest finds it by
 * scanning.
 */
public final class Rsdp {
  private Rsdp() {}

  public static final int LENGTH = 36;
  public static final int REVISION = 2;
  public static final String SIGNATURE = "RSD PTR ";

  public static byte[] build(long xsdtAddress) {
    TableWriter t = new TableWriter(LENGTH);
    t.ascii(0, SIGNATURE, 8).ascii(9, TableWriter.OEM_ID, 6).u8(15, REVISION);
    t.u32(16, 0).u32(20, LENGTH).u64(24, xsdtAddress);
    byte[] b = t.array();
    b[8] = TableWriter.checksum(b, 0, 20);
    b[32] = TableWriter.checksum(b, 0, LENGTH);
    return b;
  }
}
