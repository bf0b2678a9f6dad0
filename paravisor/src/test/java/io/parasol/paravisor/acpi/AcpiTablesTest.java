package io.parasol.paravisor.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.parasol.isolation.PartitionConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Headers, checksums, lengths and cross-pointers of the laid-out tables (ACPI 6.5 §5.2). */
class AcpiTablesTest {
  private final AcpiTables.Blob blob =
      AcpiTables.builder()
          .partition(new PartitionConfig(2L << 30, 3))
          .build(AcpiTables.BIOS_AREA_BASE);

  private static int sum(byte[] b, int len) {
    int s = 0;
    for (int i = 0; i < len; i++) {
      s += b[i];
    }
    return s & 0xFF;
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void rsdpFields() {
    byte[] r = blob.table("RSD PTR ");
    assertEquals(AcpiTables.BIOS_AREA_BASE, blob.rsdpAddress());
    assertEquals("RSD PTR ", new String(r, 0, 8, StandardCharsets.US_ASCII));
    assertEquals(0, sum(r, 20), "ACPI 1.0 checksum over 20 bytes");
    assertEquals(0, sum(r, 36), "extended checksum over 36 bytes");
    assertEquals("PARSOL", new String(r, 9, 6, StandardCharsets.US_ASCII));
    assertEquals(2, r[15]);
    assertEquals(0, le(r).getInt(16), "no RSDT");
    assertEquals(36, le(r).getInt(20));
    assertEquals((long) blob.tables().get("XSDT"), le(r).getLong(24));
  }

  @Test
  void everyTableSumsToZeroAndHasTheHeader() {
    for (String sig : List.of("XSDT", "FACP", "APIC", "MCFG", "DSDT")) {
      byte[] t = blob.table(sig);
      assertEquals(sig, new String(t, 0, 4, StandardCharsets.US_ASCII));
      assertEquals(t.length, le(t).getInt(4));
      assertEquals(0, sum(t, t.length), sig + " checksum");
      assertEquals("PARSOL", new String(t, 10, 6, StandardCharsets.US_ASCII));
      assertEquals("PARASOL ", new String(t, 16, 8, StandardCharsets.US_ASCII));
      assertEquals("PRSL", new String(t, 28, 4, StandardCharsets.US_ASCII));
      assertEquals(0, blob.tables().get(sig) % 16, sig + " alignment");
    }
    assertEquals(0, blob.tables().get("FACS") % 64);
    assertEquals(64, blob.table("FACS").length);
  }

  @Test
  void lengths() {
    assertEquals(276, blob.table("FACP").length);
    assertEquals(6, blob.table("FACP")[8]);
    assertEquals(60, blob.table("MCFG").length);
    assertEquals(36 + 3 * 8, blob.table("XSDT").length);
    assertEquals(44 + 3 * 8 + 12 + 2 * 10 + 6, blob.table("APIC").length);
    assertEquals(true, blob.rsdpAddress() + blob.bytes().length <= AcpiTables.BIOS_AREA_END);
  }

  @Test
  void tpm2TableOnlyWithATpm() {
    assertEquals(false, blob.tables().containsKey("TPM2"));
    AcpiTables.Blob withTpm =
        AcpiTables.builder()
            .partition(new PartitionConfig(2L << 30, 3))
            .tpmCrb(0xFED4_0000L, 0, 0)
            .build(AcpiTables.BIOS_AREA_BASE);
    byte[] t = withTpm.table("TPM2");
    assertEquals(76, t.length);
    assertEquals(4, t[8], "revision");
    assertEquals(0, sum(t, t.length), "checksum");
    assertEquals(0, le(t).getShort(36), "client platform class");
    assertEquals(0xFED4_0040L, le(t).getLong(40), "control area");
    assertEquals(7, le(t).getInt(48), "start method CRB");
    assertEquals(0, le(t).getInt(64), "no log yet");
    assertEquals(0, le(t).getLong(68));
    byte[] x = withTpm.table("XSDT");
    assertEquals(36 + 4 * 8, x.length);
    assertEquals((long) withTpm.tables().get("TPM2"), le(x).getLong(36 + 3 * 8));
    assertEquals(0, withTpm.tables().get("TPM2") % 16);
  }

  @Test
  void xsdtAndFadtPointers() {
    ByteBuffer x = le(blob.table("XSDT"));
    assertEquals((long) blob.tables().get("FACP"), x.getLong(36));
    assertEquals((long) blob.tables().get("APIC"), x.getLong(44));
    assertEquals((long) blob.tables().get("MCFG"), x.getLong(52));
    ByteBuffer f = le(blob.table("FACP"));
    long dsdt = blob.tables().get("DSDT");
    long facs = blob.tables().get("FACS");
    assertEquals(dsdt, f.getInt(40));
    assertEquals(dsdt, f.getLong(140));
    assertEquals(facs, f.getInt(36));
    assertEquals(facs, f.getLong(132));
    assertEquals(9, f.getShort(46));
    assertEquals(0, f.getInt(48), "SMI_CMD");
    assertEquals(0x600, f.getInt(56));
    assertEquals(0x604, f.getInt(64));
    assertEquals(0x608, f.getInt(76));
    assertEquals(4, f.get(88));
    assertEquals(2, f.get(89));
    assertEquals(4, f.get(91));
    assertEquals(3, f.getShort(109), "LEGACY_DEVICES | 8042");
    int flags = f.getInt(112);
    assertEquals(Fadt.RESET_REG_SUP, flags & Fadt.RESET_REG_SUP);
    assertEquals(Fadt.WBINVD, flags & Fadt.WBINVD);
    assertEquals(0, flags & (Fadt.HW_REDUCED_ACPI | Fadt.TMR_VAL_EXT));
    assertEquals(1, f.get(116), "reset register in system I/O");
    assertEquals(0xCF9, f.getLong(120));
    assertEquals(6, f.get(128));
    assertEquals(0x600, f.getLong(152), "X_PM1a_EVT_BLK");
    assertEquals(32, f.get(149));
    assertEquals(0x604, f.getLong(176), "X_PM1a_CNT_BLK");
    assertEquals(16, f.get(173));
    assertEquals(0x608, f.getLong(212), "X_PM_TMR_BLK");
  }

  @Test
  void pciWindows() {
    AcpiTables b = AcpiTables.builder().partition(new PartitionConfig(6L << 30, 1));
    // The hole starts at 0xB0000000, but the ECAM window (bus 0) fills its first MiB.
    assertEquals(
        List.of(new AddressRange(0xB010_0000L, 0xFEC0_0000L - 0xB010_0000L)), b.pciMemory32());
    // 6 GiB of RAM: 2.75 below the hole, 3.25 from 4 GiB (to 7.25 GiB), so the 64-bit window
    // starts at the next GiB boundary, 8 GiB.
    assertEquals(8L << 30, b.pciMemory64Base());
    // An ECAM window inside the hole is cut out of it.
    b = AcpiTables.builder().ecam(0xE000_0000L, 256);
    assertEquals(
        List.of(
            new AddressRange(0xB000_0000L, 0x3000_0000L),
            new AddressRange(0xF000_0000L, 0x0EC0_0000L)),
        b.pciMemory32());
  }

  @Test
  void rejectsBadInput() {
    assertThrows(IllegalArgumentException.class, () -> AcpiTables.builder().vcpuCount(0));
    assertThrows(IllegalArgumentException.class, () -> AcpiTables.builder().vcpuCount(256));
    assertThrows(IllegalArgumentException.class, () -> AcpiTables.builder().build(0xE0008));
  }
}
