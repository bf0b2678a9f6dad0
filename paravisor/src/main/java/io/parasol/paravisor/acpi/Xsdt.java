package io.parasol.paravisor.acpi;

import java.util.List;

/** Extended System Description Table (ACPI 6.5 §5.2.8): the 64-bit addresses of the tables. */
public final class Xsdt {
  private Xsdt() {}

  public static final int REVISION = 1;

  public static int length(int entries) {
    return TableWriter.HEADER_LENGTH + 8 * entries;
  }

  public static byte[] build(List<Long> tableAddresses) {
    TableWriter t = TableWriter.sdt("XSDT", length(tableAddresses.size()), REVISION);
    for (int i = 0; i < tableAddresses.size(); i++) {
      t.u64(TableWriter.HEADER_LENGTH + 8 * i, tableAddresses.get(i));
    }
    return t.finish();
  }
}
