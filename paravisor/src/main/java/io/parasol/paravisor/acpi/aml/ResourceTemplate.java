package io.parasol.paravisor.acpi.aml;

/**
 * A {@code ResourceTemplate()} (ACPI 6.5 §6.4): resource descriptors appended in order, closed by
 * an End Tag whose checksum byte is 0 ("treated as if the checksum operation succeeded", §6.4.2.9),
 * wrapped in an AML Buffer by {@link #toAml()}.
 *
 * <p>Address-space descriptors are always ResourceProducer with fixed minimum and maximum and
 * positive decode, as a host bridge's windows are; consumer descriptors are the small IO/IRQ forms
 * and Memory32Fixed.
 */
public final class ResourceTemplate {
  /** Small item names (§6.4.2), already shifted into the tag byte with their length. */
  static final int IRQ_NO_FLAGS_TAG = 0x22; // type 0x04, length 2

  static final int IO_TAG = 0x47; // type 0x08, length 7
  static final int FIXED_IO_TAG = 0x4B; // type 0x09, length 3
  static final int END_TAG = 0x79; // type 0x0F, length 1

  /** Large item names (§6.4.3). */
  static final int MEMORY32_FIXED = 0x86;

  static final int DWORD_ADDRESS = 0x87;
  static final int WORD_ADDRESS = 0x88;
  static final int EXTENDED_IRQ = 0x89;
  static final int QWORD_ADDRESS = 0x8A;

  /** Address space resource types (§6.4.3.5, byte 3). */
  static final int TYPE_MEMORY = 0;

  static final int TYPE_IO = 1;
  static final int TYPE_BUS_NUMBER = 2;

  /** General flags: _MAF (bit 3) and _MIF (bit 2) set, positive decode, producer. */
  static final int PRODUCER_FIXED_RANGE = 0x0C;

  /** I/O type-specific flag _RNG = 3: the window covers ISA and non-ISA ranges. */
  static final int IO_ENTIRE_RANGE = 0x03;

  /** Memory caching (_MEM, bits 2–1 of the memory type-specific flags). */
  public enum Cacheability {
    NON_CACHEABLE(0),
    CACHEABLE(1),
    WRITE_COMBINING(2),
    PREFETCHABLE(3);

    final int bits;

    Cacheability(int bits) {
      this.bits = bits;
    }
  }

  private final Bytes out = new Bytes();

  /** {@code IO(Decode16 or Decode10, min, max, alignment, length)} (§6.4.2.5). */
  public ResourceTemplate io(boolean decode16, int min, int max, int alignment, int length) {
    checkRange("I/O base", min, 0xFFFF);
    checkRange("I/O base", max, 0xFFFF);
    checkRange("alignment", alignment, 0xFF);
    checkRange("length", length, 0xFF);
    out.u8(IO_TAG).u8(decode16 ? 1 : 0).u16(min).u16(max).u8(alignment).u8(length);
    return this;
  }

  /** {@code IO(Decode16, base, base, 1, length)}: a fixed range decoded on 16 address lines. */
  public ResourceTemplate io(int base, int length) {
    return io(true, base, base, 1, length);
  }

  /** {@code FixedIO(base, length)} (§6.4.2.6): 10-bit decode. */
  public ResourceTemplate fixedIo(int base, int length) {
    checkRange("fixed I/O base", base, 0x3FF);
    checkRange("length", length, 0xFF);
    out.u8(FIXED_IO_TAG).u16(base).u8(length);
    return this;
  }

  /** {@code IRQNoFlags() {irqs}} (§6.4.2.1): edge, active high, exclusive ISA IRQs 0–15. */
  public ResourceTemplate irqNoFlags(int... irqs) {
    int mask = 0;
    for (int irq : irqs) {
      checkRange("ISA IRQ", irq, 15);
      mask |= 1 << irq;
    }
    out.u8(IRQ_NO_FLAGS_TAG).u16(mask);
    return this;
  }

  /**
   * {@code Interrupt(ResourceConsumer, Level|Edge, ActiveHigh|ActiveLow, Exclusive|Shared) {gsis}}
   * (§6.4.3.6): flags bit 0 consumer, bit 1 edge, bit 2 active low, bit 3 shared.
   */
  public ResourceTemplate interrupt(boolean edge, boolean activeLow, boolean shared, long... gsis) {
    if (gsis.length == 0 || gsis.length > 255) {
      throw new IllegalArgumentException("an Interrupt descriptor holds 1 to 255 interrupts");
    }
    int flags = 0x01 | (edge ? 0x02 : 0) | (activeLow ? 0x04 : 0) | (shared ? 0x08 : 0);
    out.u8(EXTENDED_IRQ).u16(2 + 4 * gsis.length).u8(flags).u8(gsis.length);
    for (long gsi : gsis) {
      out.u32(gsi);
    }
    return this;
  }

  /** {@code Memory32Fixed(ReadWrite|ReadOnly, base, length)} (§6.4.3.4). */
  public ResourceTemplate memory32Fixed(boolean readWrite, long base, long length) {
    checkRange("base", base, 0xFFFF_FFFFL);
    checkRange("length", length, 0xFFFF_FFFFL);
    out.u8(MEMORY32_FIXED).u16(9).u8(readWrite ? 1 : 0).u32(base).u32(length);
    return this;
  }

  /** {@code WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min, max, 0, n)}. */
  public ResourceTemplate wordBusNumber(int min, int max) {
    return word(TYPE_BUS_NUMBER, 0, min, max);
  }

  /** {@code WordIO(ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, ...)}. */
  public ResourceTemplate wordIo(int min, int max) {
    return word(TYPE_IO, IO_ENTIRE_RANGE, min, max);
  }

  /**
   * {@code DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, cache, ReadWrite, ...)}.
   */
  public ResourceTemplate dwordMemory(Cacheability cache, long min, long max) {
    checkRange("DWord address", min, 0xFFFF_FFFFL);
    checkRange("DWord address", max, 0xFFFF_FFFFL);
    checkOrder(min, max);
    out.u8(DWORD_ADDRESS).u16(23).u8(TYPE_MEMORY).u8(PRODUCER_FIXED_RANGE).u8(memFlags(cache));
    out.u32(0).u32(min).u32(max).u32(0).u32(max - min + 1);
    return this;
  }

  /**
   * {@code QWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, cache, ReadWrite, ...)}.
   */
  public ResourceTemplate qwordMemory(Cacheability cache, long min, long max) {
    if (Long.compareUnsigned(min, max) > 0) {
      throw new IllegalArgumentException("minimum above maximum");
    }
    out.u8(QWORD_ADDRESS).u16(43).u8(TYPE_MEMORY).u8(PRODUCER_FIXED_RANGE).u8(memFlags(cache));
    out.u64(0).u64(min).u64(max).u64(0).u64(max - min + 1);
    return this;
  }

  /** The descriptors so far plus End Tag, as raw bytes (the Buffer's contents). */
  public byte[] toBytes() {
    return new Bytes().put(out.toArray()).u8(END_TAG).u8(0).toArray();
  }

  /** {@code ResourceTemplate() {...}}: an AML Buffer of {@link #toBytes()}. */
  public byte[] toAml() {
    return Aml.buffer(toBytes());
  }

  private ResourceTemplate word(int type, int typeFlags, int min, int max) {
    checkRange("Word address", min, 0xFFFF);
    checkRange("Word address", max, 0xFFFF);
    checkOrder(min, max);
    out.u8(WORD_ADDRESS).u16(13).u8(type).u8(PRODUCER_FIXED_RANGE).u8(typeFlags);
    out.u16(0).u16(min).u16(max).u16(0).u16(max - min + 1);
    return this;
  }

  /** Memory type-specific flags: _RW (bit 0) set, _MEM in bits 2–1, AddressRangeMemory. */
  private static int memFlags(Cacheability cache) {
    return 0x01 | (cache.bits << 1);
  }

  private static void checkRange(String what, long value, long max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(what + " out of range: 0x" + Long.toHexString(value));
    }
  }

  private static void checkOrder(long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("minimum above maximum");
    }
  }
}
