package io.parasol.paravisor.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes one little-endian ACPI structure with absolute offsets, so fields are placed by the
 * offsets the spec's tables give. System description tables start with the 36-byte header (§5.2.6)
 * and get their length and checksum filled in by {@link #finish()}.
 */
final class TableWriter {
  static final String OEM_ID = "PARSOL";
  static final String OEM_TABLE_ID = "PARASOL";
  static final long OEM_REVISION = 1;
  static final String CREATOR_ID = "PRSL";
  static final long CREATOR_REVISION = 1;

  static final int HEADER_LENGTH = 36;
  static final int CHECKSUM_OFFSET = 9;

  private final ByteBuffer buf;

  TableWriter(int length) {
    buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A table with a standard header (§5.2.6), its length and checksum left for {@link #finish}. */
  static TableWriter sdt(String signature, int length, int revision) {
    TableWriter t = new TableWriter(length);
    t.ascii(0, signature, 4).u32(4, length).u8(8, revision);
    t.ascii(10, OEM_ID, 6).ascii(16, OEM_TABLE_ID, 8).u32(24, OEM_REVISION);
    t.ascii(28, CREATOR_ID, 4).u32(32, CREATOR_REVISION);
    return t;
  }

  TableWriter u8(int off, int v) {
    buf.put(off, (byte) v);
    return this;
  }

  TableWriter u16(int off, int v) {
    buf.putShort(off, (short) v);
    return this;
  }

  TableWriter u32(int off, long v) {
    buf.putInt(off, (int) v);
    return this;
  }

  TableWriter u64(int off, long v) {
    buf.putLong(off, v);
    return this;
  }

  TableWriter bytes(int off, byte[] b) {
    buf.put(off, b);
    return this;
  }

  /** ASCII text padded with spaces to {@code width} bytes. */
  TableWriter ascii(int off, String s, int width) {
    if (s.length() > width) {
      throw new IllegalArgumentException("\"" + s + "\" is longer than " + width);
    }
    byte[] b = (s + " ".repeat(width - s.length())).getBytes(StandardCharsets.US_ASCII);
    return bytes(off, b);
  }

  /**
   * A Generic Address Structure (§5.2.3.2) at {@code off}: address space, register bit width, bit
   * offset 0, access size (0 undefined, 1 byte, 2 word, 3 dword, 4 qword), 64-bit address.
   */
  TableWriter gas(int off, GenericAddress gas) {
    return u8(off, gas.space())
        .u8(off + 1, gas.bitWidth())
        .u8(off + 2, 0)
        .u8(off + 3, gas.accessSize())
        .u64(off + 4, gas.address());
  }

  /** Sets the header checksum so all bytes sum to zero, and returns the table. */
  byte[] finish() {
    buf.put(CHECKSUM_OFFSET, (byte) 0);
    buf.put(CHECKSUM_OFFSET, checksum(buf.array(), 0, buf.capacity()));
    return buf.array();
  }

  byte[] array() {
    return buf.array();
  }

  /** The byte that makes {@code b[off, off+len)} sum to zero (mod 256), given it is now zero. */
  static byte checksum(byte[] b, int off, int len) {
    int sum = 0;
    for (int i = off; i < off + len; i++) {
      sum += b[i];
    }
    return (byte) -sum;
  }

  /** A Generic Address Structure's contents. */
  record GenericAddress(int space, int bitWidth, int accessSize, long address) {
    static final int SYSTEM_MEMORY = 0;
    static final int SYSTEM_IO = 1;

    static GenericAddress io(int port, int bitWidth, int accessSize) {
      return new GenericAddress(SYSTEM_IO, bitWidth, accessSize, port);
    }
  }
}
