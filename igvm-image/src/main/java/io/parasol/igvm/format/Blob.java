package io.parasol.igvm.format;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes: the contents of a page, a VP context or a parameter area. A blob
 * read from a file is a view of the file's bytes (no copy, so a 256 MiB image is not duplicated);
 * the array behind it is never handed out.
 */
public final class Blob {
  private static final Blob EMPTY = new Blob(new byte[0], 0, 0);

  private final byte[] array;
  private final int offset;
  private final int length;
  private int hash;

  private Blob(byte[] array, int offset, int length) {
    this.array = array;
    this.offset = offset;
    this.length = length;
  }

  /** No bytes. */
  public static Blob empty() {
    return EMPTY;
  }

  /** A copy of {@code bytes}. */
  public static Blob of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Blob(bytes.clone(), 0, bytes.length);
  }

  /** {@code length} zero bytes. */
  public static Blob zeros(int length) {
    return length == 0 ? EMPTY : new Blob(new byte[length], 0, length);
  }

  /**
   * A view of {@code array[offset, offset + length)}: the caller promises never to change those
   * bytes again (the parser's file buffer and the writer's own arrays).
   */
  static Blob view(byte[] array, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, array.length);
    return length == 0 ? EMPTY : new Blob(array, offset, length);
  }

  public int length() {
    return length;
  }

  public boolean isEmpty() {
    return length == 0;
  }

  public int byteAt(int index) {
    java.util.Objects.checkIndex(index, length);
    return array[offset + index] & 0xFF;
  }

  /** The bytes as a new array. */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  /** Bytes {@code [from, from + count)} as a blob sharing this one's storage. */
  public Blob slice(int from, int count) {
    java.util.Objects.checkFromIndexSize(from, count, length);
    return view(array, offset + from, count);
  }

  /** This blob followed by zeros up to {@code size} bytes (itself when it is long enough). */
  public Blob paddedTo(int size) {
    if (length >= size) {
      return this;
    }
    byte[] padded = new byte[size];
    System.arraycopy(array, offset, padded, 0, length);
    return new Blob(padded, 0, size);
  }

  /** Whether every byte is zero (an empty blob is). */
  public boolean isAllZero() {
    for (int i = offset; i < offset + length; i++) {
      if (array[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Feeds the bytes to {@code digest} without copying them. */
  public void update(MessageDigest digest) {
    digest.update(array, offset, length);
  }

  /** Copies the bytes into {@code destination} at {@code at}. */
  public void copyTo(byte[] destination, int at) {
    System.arraycopy(array, offset, destination, at, length);
  }

  /** Copies bytes {@code [from, from + count)} into {@code destination} at {@code at}. */
  public void copyTo(int from, byte[] destination, int at, int count) {
    java.util.Objects.checkFromIndexSize(from, count, length);
    System.arraycopy(array, offset + from, destination, at, count);
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(array, offset, length);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Blob that
        && Arrays.equals(
            array, offset, offset + length, that.array, that.offset, that.offset + that.length);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && length != 0) {
      h = 1;
      for (int i = offset; i < offset + length; i++) {
        h = 31 * h + array[i];
      }
      hash = h;
    }
    return h;
  }

  /** Length and, for short blobs, the bytes in hex (long ones are cut). */
  @Override
  public String toString() {
    int shown = Math.min(length, 32);
    return length
        + " bytes"
        + (length == 0
            ? ""
            : " "
                + HexFormat.of().formatHex(array, offset, offset + shown)
                + (shown < length ? "…" : ""));
  }
}
