package io.parasol.paravisor.acpi.aml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Byte-exact encodings from the ACPI 6.5 AML grammar (§20.2). Expected bytes are written out by
 * hand from the grammar, never produced by the encoder under test.
 */
class AmlTest {
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void pkgLengthUsesOneToFourBytesAndCountsItself() {
    // §20.2.4: one byte holds 0–63; beyond that bits 7–6 count the following bytes.
    assertArrayEquals(hex("01"), Aml.pkgLength(0));
    assertArrayEquals(hex("3F"), Aml.pkgLength(62));
    assertArrayEquals(hex("41 04"), Aml.pkgLength(63)); // 65 = 0x041
    assertArrayEquals(hex("4F FF"), Aml.pkgLength(0xFFD)); // 0xFFF, the 2-byte maximum
    assertArrayEquals(hex("81 00 01"), Aml.pkgLength(0xFFE)); // 0x1001
    assertArrayEquals(hex("8F FF FF"), Aml.pkgLength(0xFFFFC)); // 0xFFFFF
    assertArrayEquals(hex("C1 00 00 01"), Aml.pkgLength(0xFFFFD)); // 0x100001
    assertThrows(IllegalArgumentException.class, () -> Aml.pkgLength(0x0FFF_FFFD));
  }

  @Test
  void integersTakeTheShortestEncoding() {
    assertArrayEquals(hex("00"), Aml.integer(0)); // ZeroOp
    assertArrayEquals(hex("01"), Aml.integer(1)); // OneOp
    assertArrayEquals(hex("FF"), Aml.integer(-1)); // OnesOp
    assertArrayEquals(hex("0A 02"), Aml.integer(2));
    assertArrayEquals(hex("0A FF"), Aml.integer(0xFF));
    assertArrayEquals(hex("0B 00 01"), Aml.integer(0x100));
    assertArrayEquals(hex("0C 00 00 01 00"), Aml.integer(0x10000));
    assertArrayEquals(hex("0C FF FF FF FF"), Aml.integer(0xFFFF_FFFFL));
    assertArrayEquals(hex("0E 00 00 00 00 01 00 00 00"), Aml.integer(0x1_0000_0000L));
  }

  @Test
  void nameStrings() {
    assertArrayEquals(hex("5F 48 49 44"), Aml.nameString("_HID"));
    assertArrayEquals(hex("49 53 41 5F"), Aml.nameString("ISA"));
    assertArrayEquals(hex("5C 00"), Aml.nameString("\\"));
    assertArrayEquals(hex("5C 5F 53 42 5F"), Aml.nameString("\\_SB"));
    assertArrayEquals(hex("5C 2E 5F 53 42 5F 50 43 49 30"), Aml.nameString("\\_SB.PCI0"));
    assertArrayEquals(
        hex("5C 2F 03 5F 53 42 5F 50 43 49 30 49 53 41 5F"), Aml.nameString("\\_SB.PCI0.ISA"));
    assertArrayEquals(hex("5E 5E 46 4F 4F 5F"), Aml.nameString("^^FOO"));
    assertThrows(IllegalArgumentException.class, () -> Aml.nameSeg("1ABC"));
    assertThrows(IllegalArgumentException.class, () -> Aml.nameSeg("ABCDE"));
    assertThrows(IllegalArgumentException.class, () -> Aml.nameSeg("ab"));
  }

  @Test
  void eisaIdCompressesThreeLettersAndFourHexDigits() {
    // PNP0A03 is the well-known 0x030AD041.
    assertEquals(0x030A_D041L, Aml.eisaIdValue("PNP0A03"));
    assertArrayEquals(hex("0C 41 D0 0A 08"), Aml.eisaId("PNP0A08"));
    assertArrayEquals(hex("0C 41 D0 05 01"), Aml.eisaId("PNP0501"));
    assertArrayEquals(hex("0C 41 D0 0B 00"), Aml.eisaId("PNP0B00"));
    assertArrayEquals(hex("0C 41 D0 0F 13"), Aml.eisaId("PNP0F13"));
    assertThrows(IllegalArgumentException.class, () -> Aml.eisaIdValue("PNP0a03"));
    assertThrows(IllegalArgumentException.class, () -> Aml.eisaIdValue("pnp0A03"));
  }

  @Test
  void stringsBuffersAndPackages() {
    assertArrayEquals(hex("0D 61 62 00"), Aml.string("ab"));
    assertArrayEquals(hex("11 06 0A 03 01 02 03"), Aml.buffer(hex("01 02 03")));
    // Name (\_S5, Package (0x04) {0, 0, 0, 0})
    assertArrayEquals(
        hex("08 5C 5F 53 35 5F 12 06 04 00 00 00 00"),
        Aml.name(
            "\\_S5", Aml.pkgOf(Aml.integer(0), Aml.integer(0), Aml.integer(0), Aml.integer(0))));
  }

  @Test
  void namedObjects() {
    assertArrayEquals(hex("08 5F 55 49 44 01"), Aml.name("_UID", Aml.integer(1)));
    assertArrayEquals(hex("10 06 5C 5F 53 42 5F"), Aml.scope("\\_SB"));
    assertArrayEquals(hex("5B 82 05 43 4F 4D 31"), Aml.device("COM1"));
    assertArrayEquals(
        hex("5B 82 0B 43 4F 4D 31 08 5F 55 49 44 01"),
        Aml.device("COM1", Aml.name("_UID", Aml.integer(1))));
    // Method (_STA, 0, NotSerialized) { Return (0x0F) }
    assertArrayEquals(
        hex("14 09 5F 53 54 41 00 A4 0A 0F"),
        Aml.method("_STA", 0, false, Aml.returnOf(Aml.integer(0x0F))));
    // Method (FOO_, 1, Serialized) { Return (One) }: flags = 1 | SerializeFlag (bit 3)
    assertArrayEquals(
        hex("14 08 46 4F 4F 5F 09 A4 01"),
        Aml.method("FOO", 1, true, Aml.returnOf(Aml.integer(1))));
  }

  @Test
  void largeScopeGetsTwoBytePkgLength() {
    byte[] body = new byte[100];
    byte[] scope = Aml.scope("\\_SB", body);
    // body 4 (name) + 1 (root) + 100 = 105; with a 2-byte PkgLength 107 = 0x6B
    assertArrayEquals(hex("10 4B 06 5C 5F 53 42 5F"), java.util.Arrays.copyOf(scope, 8));
    assertEquals(1 + 2 + 105, scope.length);
  }
}
