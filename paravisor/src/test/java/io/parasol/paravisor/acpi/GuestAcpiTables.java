package io.parasol.paravisor.acpi;

import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ACPI tables a guest finds in its RAM: RSDP at the BIOS area, then the XSDT's entries. */
public final class GuestAcpiTables {
  private GuestAcpiTables() {}

  /** Each table the XSDT lists, by signature, in the XSDT's order, read from guest RAM. */
  public static Map<String, byte[]> read(GuestMemory memory) throws GuestMemoryException {
    byte[] rsdp = new byte[36];
    memory.read(AcpiTables.BIOS_AREA_BASE, rsdp, 0, 36);
    long xsdt = ByteBuffer.wrap(rsdp).order(ByteOrder.LITTLE_ENDIAN).getLong(24);
    byte[] xsdtTable = table(memory, xsdt);
    Map<String, byte[]> tables = new LinkedHashMap<>();
    for (int off = 36; off < xsdtTable.length; off += 8) {
      byte[] t =
          table(memory, ByteBuffer.wrap(xsdtTable).order(ByteOrder.LITTLE_ENDIAN).getLong(off));
      tables.put(new String(t, 0, 4, StandardCharsets.US_ASCII), t);
    }
    return tables;
  }

  private static byte[] table(GuestMemory memory, long address) throws GuestMemoryException {
    byte[] header = new byte[36];
    memory.read(address, header, 0, 36);
    int length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    byte[] table = new byte[length];
    memory.read(address, table, 0, length);
    return table;
  }
}
