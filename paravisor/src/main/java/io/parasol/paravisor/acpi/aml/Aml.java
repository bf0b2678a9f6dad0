package io.parasol.paravisor.acpi.aml;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * AML term encoders (ACPI 6.5 §20.2). Each method returns a fresh byte array holding one encoded
 * term; the arrays taken as arguments are not kept.
 */
public final class Aml {
  private Aml() {}

  static final int ZERO_OP = 0x00;
  static final int ONE_OP = 0x01;
  static final int ONES_OP = 0xFF;
  static final int BYTE_PREFIX = 0x0A;
  static final int WORD_PREFIX = 0x0B;
  static final int DWORD_PREFIX = 0x0C;
  static final int STRING_PREFIX = 0x0D;
  static final int QWORD_PREFIX = 0x0E;
  static final int NAME_OP = 0x08;
  static final int SCOPE_OP = 0x10;
  static final int BUFFER_OP = 0x11;
  static final int PACKAGE_OP = 0x12;
  static final int METHOD_OP = 0x14;
  static final int DUAL_NAME_PREFIX = 0x2E;
  static final int MULTI_NAME_PREFIX = 0x2F;
  static final int EXT_OP_PREFIX = 0x5B;
  static final int DEVICE_OP = 0x82; // after EXT_OP_PREFIX
  static final int ROOT_CHAR = 0x5C;
  static final int PARENT_PREFIX_CHAR = 0x5E;
  static final int RETURN_OP = 0xA4;

  /** The largest value a PkgLength can carry (28 bits). */
  public static final int MAX_PKG_LENGTH = 0x0FFF_FFFF;

  /**
   * PkgLength (§20.2.4) for a package whose body after the PkgLength is {@code bodyLength} bytes.
   * The encoded length counts the PkgLength bytes themselves: one byte up to 63, else a lead byte
   * whose bits 7–6 give the number of following bytes, bits 3–0 the least significant nibble.
   */
  public static byte[] pkgLength(int bodyLength) {
    if (bodyLength < 0) {
      throw new IllegalArgumentException("negative package body length: " + bodyLength);
    }
    if (bodyLength + 1 <= 0x3F) {
      return new byte[] {(byte) (bodyLength + 1)};
    }
    for (int extra = 1; extra <= 3; extra++) {
      long total = (long) bodyLength + 1 + extra;
      if (total < (1L << (4 + 8 * extra))) {
        byte[] out = new byte[1 + extra];
        out[0] = (byte) ((extra << 6) | (total & 0x0F));
        for (int i = 1; i <= extra; i++) {
          out[i] = (byte) (total >>> (4 + 8 * (i - 1)));
        }
        return out;
      }
    }
    throw new IllegalArgumentException("package too large for a PkgLength: " + bodyLength);
  }

  /**
   * A NameSeg (§20.2.2): one to four characters of {@code A–Z}, {@code 0–9} and {@code _}, the
   * first not a digit, padded with {@code _}.
   */
  public static byte[] nameSeg(String seg) {
    if (seg.isEmpty() || seg.length() > 4) {
      throw new IllegalArgumentException("a NameSeg has 1 to 4 characters: \"" + seg + "\"");
    }
    byte[] out = {'_', '_', '_', '_'};
    for (int i = 0; i < seg.length(); i++) {
      char c = seg.charAt(i);
      boolean lead = (c >= 'A' && c <= 'Z') || c == '_';
      if (!(lead || (i > 0 && c >= '0' && c <= '9'))) {
        throw new IllegalArgumentException("bad character in NameSeg \"" + seg + "\"");
      }
      out[i] = (byte) c;
    }
    return out;
  }

  /**
   * A NameString (§20.2.2): an optional root {@code \} or parent {@code ^} prefixes, then
   * dot-separated segments, e.g. {@code "\_SB.PCI0"}, {@code "^^FOO"}, {@code "_HID"}.
   */
  public static byte[] nameString(String path) {
    Bytes out = new Bytes();
    int i = 0;
    if (path.startsWith("\\")) {
      out.u8(ROOT_CHAR);
      i = 1;
    } else {
      while (i < path.length() && path.charAt(i) == '^') {
        out.u8(PARENT_PREFIX_CHAR);
        i++;
      }
    }
    String rest = path.substring(i);
    String[] segs = rest.isEmpty() ? new String[0] : rest.split("\\.", -1);
    switch (segs.length) {
      case 0 -> out.u8(0x00); // NullName
      case 1 -> out.put(nameSeg(segs[0]));
      case 2 -> out.u8(DUAL_NAME_PREFIX).put(nameSeg(segs[0])).put(nameSeg(segs[1]));
      default -> {
        if (segs.length > 255) {
          throw new IllegalArgumentException("too many NameSegs in " + path);
        }
        out.u8(MULTI_NAME_PREFIX).u8(segs.length);
        for (String s : segs) {
          out.put(nameSeg(s));
        }
      }
    }
    return out.toArray();
  }

  /**
   * An integer constant in its shortest form (§20.2.3): ZeroOp, OneOp, OnesOp (all 64 bits set), or
   * a Byte/Word/DWord/QWord prefix. Values are unsigned 64-bit.
   */
  public static byte[] integer(long value) {
    if (value == 0) {
      return new byte[] {ZERO_OP};
    }
    if (value == 1) {
      return new byte[] {ONE_OP};
    }
    if (value == -1L) {
      return new byte[] {(byte) ONES_OP};
    }
    Bytes out = new Bytes();
    if ((value & ~0xFFL) == 0) {
      out.u8(BYTE_PREFIX).u8((int) value);
    } else if ((value & ~0xFFFFL) == 0) {
      out.u8(WORD_PREFIX).u16((int) value);
    } else if ((value & ~0xFFFF_FFFFL) == 0) {
      out.u8(DWORD_PREFIX).u32(value);
    } else {
      out.u8(QWORD_PREFIX).u64(value);
    }
    return out.toArray();
  }

  /** A String (§20.2.3): StringPrefix, ASCII characters 0x01–0x7F, NUL. */
  public static byte[] string(String s) {
    Bytes out = new Bytes().u8(STRING_PREFIX);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c > 0x7F) {
        throw new IllegalArgumentException("AML strings are ASCII without NUL: " + s);
      }
    }
    return out.put(s.getBytes(StandardCharsets.US_ASCII)).u8(0).toArray();
  }

  /**
   * The 32-bit compressed EISA ID (§19.6.43 EISAID) of a 7-character PNP ID such as {@code
   * PNP0A08}: three letters of five bits each, then four hex digits, stored as a little-endian
   * DWord so the bytes read {@code 41 D0 0A 08}.
   */
  public static long eisaIdValue(String id) {
    if (id.length() != 7) {
      throw new IllegalArgumentException("an EISA ID has 7 characters: " + id);
    }
    int[] c = new int[3];
    for (int i = 0; i < 3; i++) {
      char ch = id.charAt(i);
      if (ch < 'A' || ch > 'Z') {
        throw new IllegalArgumentException("EISA ID vendor must be upper-case letters: " + id);
      }
      c[i] = ch - 0x40;
    }
    int product = Integer.parseInt(id.substring(3), 16);
    if (!id.substring(3).matches("[0-9A-F]{4}")) {
      throw new IllegalArgumentException("EISA ID product must be 4 upper-case hex digits: " + id);
    }
    int b0 = (c[0] << 2) | (c[1] >> 3);
    int b1 = ((c[1] & 7) << 5) | c[2];
    int b2 = product >> 8;
    int b3 = product & 0xFF;
    return (b0 | (b1 << 8) | (b2 << 16) | ((long) b3 << 24));
  }

  /** {@code EISAID("PNP0A08")} as an AML integer (always a DWord). */
  public static byte[] eisaId(String id) {
    return new Bytes().u8(DWORD_PREFIX).u32(eisaIdValue(id)).toArray();
  }

  /** {@code Buffer() {bytes}}: BufferOp PkgLength BufferSize ByteList (§20.2.5.4). */
  public static byte[] buffer(byte[] contents) {
    byte[] size = integer(contents.length);
    return pkg(new byte[] {BUFFER_OP}, concat(size, contents));
  }

  /** {@code Package() {elements}}: PackageOp PkgLength NumElements PackageElementList. */
  public static byte[] pkgOf(byte[]... elements) {
    if (elements.length > 255) {
      throw new IllegalArgumentException("Package holds at most 255 elements; use VarPackage");
    }
    return pkg(new byte[] {PACKAGE_OP}, prepend(new byte[] {(byte) elements.length}, elements));
  }

  /** {@code Scope(path) {terms}}. */
  public static byte[] scope(String path, byte[]... terms) {
    return pkg(new byte[] {SCOPE_OP}, prepend(nameString(path), terms));
  }

  /** {@code Device(path) {terms}}: ExtOpPrefix DeviceOp PkgLength NameString TermList. */
  public static byte[] device(String path, byte[]... terms) {
    return pkg(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, prepend(nameString(path), terms));
  }

  /** {@code Name(path, object)}. */
  public static byte[] name(String path, byte[] object) {
    return concat(new byte[] {NAME_OP}, nameString(path), object);
  }

  /**
   * {@code Method(path, argCount, Serialized|NotSerialized) {terms}} with sync level 0: the flags
   * byte holds the argument count in bits 2–0 and SerializeFlag in bit 3 (§20.2.5.2).
   */
  public static byte[] method(String path, int argCount, boolean serialized, byte[]... terms) {
    if (argCount < 0 || argCount > 7) {
      throw new IllegalArgumentException("a method takes 0 to 7 arguments: " + argCount);
    }
    byte flags = (byte) (argCount | (serialized ? 0x08 : 0));
    return pkg(new byte[] {METHOD_OP}, concat(nameString(path), new byte[] {flags}, concat(terms)));
  }

  /** {@code Return(value)}. */
  public static byte[] returnOf(byte[] value) {
    return concat(new byte[] {(byte) RETURN_OP}, value);
  }

  /** {@code opcode PkgLength body}. */
  private static byte[] pkg(byte[] opcode, byte[] body) {
    return concat(opcode, pkgLength(body.length), body);
  }

  /** The given arrays one after another. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] prepend(byte[] first, byte[]... rest) {
    return concat(first, concat(rest));
  }
}
