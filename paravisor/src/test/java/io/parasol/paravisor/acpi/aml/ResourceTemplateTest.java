package io.parasol.paravisor.acpi.aml;

import static io.parasol.paravisor.acpi.aml.AmlTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.parasol.paravisor.acpi.aml.ResourceTemplate.Cacheability;
import org.junit.jupiter.api.Test;

/** Byte-exact resource descriptors from ACPI 6.5 §6.4, written out by hand from the tables. */
class ResourceTemplateTest {
  private static byte[] only(ResourceTemplate t) {
    byte[] all = t.toBytes();
    return java.util.Arrays.copyOf(all, all.length - 2); // drop the End Tag
  }

  @Test
  void endTagWithZeroChecksum() {
    assertArrayEquals(hex("79 00"), new ResourceTemplate().toBytes());
  }

  @Test
  void smallDescriptors() {
    // §6.4.2.5 I/O Port: 0x47, information (bit 0 = 16-bit decode), min, max, align, length
    assertArrayEquals(hex("47 01 F8 03 F8 03 01 08"), only(new ResourceTemplate().io(0x3F8, 8)));
    assertArrayEquals(
        hex("47 00 70 00 70 00 10 02"),
        only(new ResourceTemplate().io(false, 0x70, 0x70, 0x10, 2)));
    // §6.4.2.6 Fixed I/O: 0x4B, base (10 bits), length
    assertArrayEquals(hex("4B 60 00 01"), only(new ResourceTemplate().fixedIo(0x60, 1)));
    // §6.4.2.1 IRQ without information byte: 0x22, 16-bit mask
    assertArrayEquals(hex("22 10 00"), only(new ResourceTemplate().irqNoFlags(4)));
    assertArrayEquals(hex("22 00 10"), only(new ResourceTemplate().irqNoFlags(12)));
    assertArrayEquals(hex("22 02 10"), only(new ResourceTemplate().irqNoFlags(1, 12)));
    assertThrows(IllegalArgumentException.class, () -> new ResourceTemplate().irqNoFlags(16));
  }

  @Test
  void extendedInterrupt() {
    // §6.4.3.6: 0x89, length, flags (consumer | edge<<1 | low<<2 | shared<<3), count, DWords
    assertArrayEquals(
        hex("89 06 00 01 01 09 00 00 00"),
        only(new ResourceTemplate().interrupt(false, false, false, 9)));
    assertArrayEquals(
        hex("89 0A 00 0F 02 05 00 00 00 17 00 00 00"),
        only(new ResourceTemplate().interrupt(true, true, true, 5, 23)));
  }

  @Test
  void memory32Fixed() {
    // §6.4.3.4: 0x86, length 9, information (bit 0 = read/write), base, length
    assertArrayEquals(
        hex("86 09 00 01 00 00 C0 FE 00 10 00 00"),
        only(new ResourceTemplate().memory32Fixed(true, 0xFEC0_0000L, 0x1000)));
  }

  @Test
  void wordAddressSpaces() {
    // §6.4.3.5.3: 0x88, length 13, type, general flags (MIF|MAF = 0x0C), type flags,
    // granularity, min, max, translation, length
    assertArrayEquals(
        hex("88 0D 00 02 0C 00 00 00 00 00 FF 00 00 00 00 01"),
        only(new ResourceTemplate().wordBusNumber(0, 0xFF)));
    assertArrayEquals(
        hex("88 0D 00 01 0C 03 00 00 00 00 F7 0C 00 00 F8 0C"),
        only(new ResourceTemplate().wordIo(0, 0xCF7)));
    assertArrayEquals(
        hex("88 0D 00 01 0C 03 00 00 00 0D FF FF 00 00 00 F3"),
        only(new ResourceTemplate().wordIo(0xD00, 0xFFFF)));
  }

  @Test
  void dwordAndQwordMemory() {
    // §6.4.3.5.2: 0x87, length 23, type 0, 0x0C, flags (RW | MEM<<1), 5 DWords
    assertArrayEquals(
        hex("87 17 00 00 0C 01 00 00 00 00 00 00 00 C0 FF FF BF FE 00 00 00 00 00 00 C0 3E"),
        only(
            new ResourceTemplate()
                .dwordMemory(Cacheability.NON_CACHEABLE, 0xC000_0000L, 0xFEBF_FFFFL)));
    // §6.4.3.5.1: 0x8A, length 43, 5 QWords; cacheable = MEM 1 → flags 0x03
    assertArrayEquals(
        hex(
            "8A 2B 00 00 0C 03"
                + "00 00 00 00 00 00 00 00"
                + "00 00 00 00 01 00 00 00"
                + "FF FF FF FF 01 00 00 00"
                + "00 00 00 00 00 00 00 00"
                + "00 00 00 00 01 00 00 00"),
        only(
            new ResourceTemplate()
                .qwordMemory(Cacheability.CACHEABLE, 0x1_0000_0000L, 0x1_FFFF_FFFFL)));
  }

  @Test
  void templateIsAnAmlBuffer() {
    // ResourceTemplate () { IRQNoFlags () {4} } → Buffer (5) {22 10 00 79 00}
    assertArrayEquals(
        hex("11 08 0A 05 22 10 00 79 00"), new ResourceTemplate().irqNoFlags(4).toAml());
  }
}
