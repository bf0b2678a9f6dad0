package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import java.util.Arrays;

/**
 * Reads TPM 2.0 canonical (big-endian) encodings from a window of a byte array (TPM 2.0 Library
 * Part 2 §4 "Notation": unmarshalling). Every read is checked against the window: reading past its
 * end fails with {@code TPM_RC_INSUFFICIENT}, and a size field larger than the structure allows
 * fails with {@code TPM_RC_SIZE}. The bytes are not copied; callers must not change the array while
 * a reader is in use.
 */
public final class TpmReader {
  private final byte[] buf;
  private final int end;
  private int pos;

  /** A reader over all of {@code buf}. */
  public TpmReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** A reader over {@code buf[offset .. offset+length)}. */
  public TpmReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IllegalArgumentException("window outside the array");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  /** A function that reads a structure; lets readers of lists and parameters take any type. */
  @FunctionalInterface
  public interface Unmarshaller<T> {
    T read(TpmReader in) throws TpmException;
  }

  /** Bytes left in the window. */
  public int remaining() {
    return end - pos;
  }

  /** True once the window is used up. */
  public boolean atEnd() {
    return pos == end;
  }

  /** The position in the underlying array (for {@link #bytesSince}). */
  public int position() {
    return pos;
  }

  /** A copy of the bytes read since {@code mark} (an earlier {@link #position()}). */
  public byte[] bytesSince(int mark) {
    if (mark < 0 || mark > pos) {
      throw new IllegalArgumentException("mark " + mark + " is not behind " + pos);
    }
    return Arrays.copyOfRange(buf, mark, pos);
  }

  private void need(int n) throws TpmException {
    if (n > end - pos) {
      throw new TpmException(TpmRc.INSUFFICIENT);
    }
  }

  /** A {@code UINT8} / {@code BYTE}. */
  public int readU8() throws TpmException {
    need(1);
    return buf[pos++] & 0xFF;
  }

  /** A {@code UINT16}. */
  public int readU16() throws TpmException {
    need(2);
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  /** A {@code UINT32} (as a Java int: compare with {@link Integer#compareUnsigned}). */
  public int readU32() throws TpmException {
    need(4);
    int v =
        ((buf[pos] & 0xFF) << 24)
            | ((buf[pos + 1] & 0xFF) << 16)
            | ((buf[pos + 2] & 0xFF) << 8)
            | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  /** A {@code UINT64}. */
  public long readU64() throws TpmException {
    long hi = readU32() & 0xFFFF_FFFFL;
    long lo = readU32() & 0xFFFF_FFFFL;
    return (hi << 32) | lo;
  }

  /** A {@code TPMI_YES_NO}: 0 or 1, anything else is {@code TPM_RC_VALUE}. */
  public boolean readYesNo() throws TpmException {
    int v = readU8();
    if (v > 1) {
      throw new TpmException(TpmRc.VALUE);
    }
    return v == 1;
  }

  /** {@code n} bytes, copied. */
  public byte[] readBytes(int n) throws TpmException {
    if (n < 0) {
      throw new IllegalArgumentException("negative length");
    }
    need(n);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /**
   * The buffer of a {@code TPM2B_*}: a {@code UINT16} size, then that many bytes. A size above
   * {@code maxSize} (the structure's buffer size in Part 2) fails with {@code TPM_RC_SIZE}.
   */
  public byte[] read2B(int maxSize) throws TpmException {
    int size = readU16();
    if (size > maxSize) {
      throw new TpmException(TpmRc.SIZE);
    }
    return readBytes(size);
  }

  /**
   * A size-prefixed structure ({@code TPM2B_PUBLIC}, {@code TPM2B_SENSITIVE_CREATE}, ...): reads
   * the {@code UINT16} size, then {@code inner} over exactly that many bytes. A size of zero, or
   * inner bytes left unread, fail with {@code TPM_RC_SIZE}.
   */
  public <T> T readSized(Unmarshaller<T> inner) throws TpmException {
    int size = readU16();
    if (size == 0) {
      throw new TpmException(TpmRc.SIZE);
    }
    need(size);
    TpmReader sub = new TpmReader(buf, pos, size);
    T value = inner.read(sub);
    if (!sub.atEnd()) {
      throw new TpmException(TpmRc.SIZE);
    }
    pos += size;
    return value;
  }

  /** A copy of the bytes not read yet; the position does not move. */
  public byte[] peekRemaining() {
    return java.util.Arrays.copyOfRange(buf, pos, end);
  }

  /** A sub-reader over the next {@code n} bytes, which this reader skips. */
  public TpmReader slice(int n) throws TpmException {
    need(n);
    TpmReader sub = new TpmReader(buf, pos, n);
    pos += n;
    return sub;
  }

  /**
   * Reads parameter number {@code n} of a command with {@code reader}; a format-one error without a
   * number gets {@code TPM_RC_P + TPM_RC_n} added (Part 2 §6.6.3).
   */
  public <T> T parameter(int n, Unmarshaller<T> reader) throws TpmException {
    try {
      return reader.read(this);
    } catch (TpmException e) {
      throw e.atParameter(n);
    }
  }
}
