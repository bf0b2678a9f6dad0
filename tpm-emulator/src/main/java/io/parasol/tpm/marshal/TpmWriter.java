package io.parasol.tpm.marshal;

import java.util.Arrays;

/**
 * Writes TPM 2.0 canonical (big-endian) encodings into a growing buffer (TPM 2.0 Library Part 2 §4:
 * marshalling). Sizes of {@code TPM2B} structures are written by {@link #write2B} or, for
 * structures whose size comes first, by {@link #beginSized()}/{@link #endSized(int)}.
 */
public final class TpmWriter {
  private byte[] buf;
  private int len;

  /** An empty writer. */
  public TpmWriter() {
    this(256);
  }

  /** An empty writer with room for {@code capacity} bytes before it grows. */
  public TpmWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  /** Bytes written so far. */
  public int size() {
    return len;
  }

  public TpmWriter writeU8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  public TpmWriter writeU16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public TpmWriter writeU32(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public TpmWriter writeU64(long v) {
    writeU32((int) (v >>> 32));
    return writeU32((int) v);
  }

  /** A {@code TPMI_YES_NO}. */
  public TpmWriter writeYesNo(boolean v) {
    return writeU8(v ? 1 : 0);
  }

  public TpmWriter writeBytes(byte[] b) {
    return writeBytes(b, 0, b.length);
  }

  public TpmWriter writeBytes(byte[] b, int offset, int length) {
    ensure(length);
    System.arraycopy(b, offset, buf, len, length);
    len += length;
    return this;
  }

  /** A {@code TPM2B_*}: {@code UINT16} size, then the bytes. */
  public TpmWriter write2B(byte[] b) {
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("TPM2B of " + b.length + " bytes");
    }
    writeU16(b.length);
    return writeBytes(b);
  }

  /**
   * Starts a size-prefixed structure: reserves the {@code UINT16} size and returns the mark to give
   * {@link #endSized}.
   */
  public int beginSized() {
    int mark = len;
    writeU16(0);
    return mark;
  }

  /** Ends a size-prefixed structure begun at {@code mark}, filling in its size. */
  public void endSized(int mark) {
    int size = len - mark - 2;
    if (size < 0 || size > 0xFFFF) {
      throw new IllegalStateException("sized structure of " + size + " bytes");
    }
    buf[mark] = (byte) (size >>> 8);
    buf[mark + 1] = (byte) size;
  }

  /** Overwrites a {@code UINT32} written earlier at {@code offset}. */
  public void patchU32(int offset, int v) {
    if (offset < 0 || offset + 4 > len) {
      throw new IndexOutOfBoundsException(offset);
    }
    buf[offset] = (byte) (v >>> 24);
    buf[offset + 1] = (byte) (v >>> 16);
    buf[offset + 2] = (byte) (v >>> 8);
    buf[offset + 3] = (byte) v;
  }

  /** Empties the writer, keeping its buffer, so a dispatcher can reuse it for the next command. */
  public TpmWriter reset() {
    len = 0;
    return this;
  }

  /** Copies the bytes written into {@code dst} at {@code offset}; returns the offset after them. */
  public int copyTo(byte[] dst, int offset) {
    System.arraycopy(buf, 0, dst, offset, len);
    return offset + len;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** A copy of the bytes written from {@code offset} on. */
  public byte[] bytesFrom(int offset) {
    return Arrays.copyOfRange(buf, offset, len);
  }
}
