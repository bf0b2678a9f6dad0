package io.parasol.igvm.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One register of a VBS VP context: a 32-byte record {vtl u8, register name u32 (unaligned), 11
 * zero bytes, 16-byte Hyper-V register value}. A VBS VP_CONTEXT's data is a u32 count and that many
 * records.
 *
 * @param name Hyper-V register name (TLFS numbering, e.g. RIP 0x20010)
 * @param value the 16-byte register value
 */
public record VbsRegister(int vtl, int name, Blob value) {
  public static final int RECORD_BYTES = 32;

  public VbsRegister {
    Objects.requireNonNull(value, "value");
    if (vtl < 0 || vtl > 0xFF) {
      throw new IllegalArgumentException("VBS register vtl " + vtl + " out of range");
    }
    if (value.length() != 16) {
      throw new IllegalArgumentException("VBS register value is not 16 bytes");
    }
  }

  /** A plain 64-bit register. */
  public static VbsRegister of(int vtl, int name, long value) {
    byte[] v = new byte[16];
    Le.putLong(v, 0, value);
    return new VbsRegister(vtl, name, Blob.of(v));
  }

  /** The records of a VBS VP context's data (count, then records). */
  public static List<VbsRegister> decode(Blob data) {
    if (data.length() < 4) {
      throw new IllegalArgumentException("VBS VP context data is shorter than its count");
    }
    byte[] bytes = data.toByteArray();
    long count = Le.getInt(bytes, 0) & 0xFFFFFFFFL;
    if (data.length() != 4 + count * RECORD_BYTES) {
      throw new IllegalArgumentException(
          "VBS VP context of "
              + count
              + " registers is not "
              + (4 + count * RECORD_BYTES)
              + " bytes");
    }
    List<VbsRegister> registers = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      int at = 4 + i * RECORD_BYTES;
      for (int z = at + 5; z < at + 16; z++) {
        if (bytes[z] != 0) {
          throw new IllegalArgumentException(
              "VBS register record " + i + " has non-zero reserved bytes");
        }
      }
      registers.add(
          new VbsRegister(bytes[at] & 0xFF, Le.getInt(bytes, at + 1), data.slice(at + 16, 16)));
    }
    return registers;
  }

  /** The data of a VBS VP context holding {@code registers}. */
  public static Blob encode(List<VbsRegister> registers) {
    byte[] out = new byte[4 + registers.size() * RECORD_BYTES];
    Le.putInt(out, 0, registers.size());
    for (int i = 0; i < registers.size(); i++) {
      VbsRegister r = registers.get(i);
      int at = 4 + i * RECORD_BYTES;
      out[at] = (byte) r.vtl;
      Le.putInt(out, at + 1, r.name);
      r.value.copyTo(out, at + 16);
    }
    return Blob.of(out);
  }
}
