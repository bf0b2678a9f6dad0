package io.parasol.paravisor.acpi.aml;

import java.io.ByteArrayOutputStream;

/** A little-endian byte builder for AML and resource descriptors. */
final class Bytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Bytes u8(int v) {
    out.write(v);
    return this;
  }

  Bytes u16(int v) {
    return u8(v).u8(v >>> 8);
  }

  Bytes u32(long v) {
    return u16((int) v).u16((int) (v >>> 16));
  }

  Bytes u64(long v) {
    return u32(v).u32(v >>> 32);
  }

  Bytes put(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  int size() {
    return out.size();
  }

  byte[] toArray() {
    return out.toByteArray();
  }
}
