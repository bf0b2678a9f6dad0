package io.parasol.igvm.format;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes: the contents of a page, a VP context or a parameter area. A blob
 * read from a file is a view of the file's bytes (no copy, so a 256 MiB image is not duplicated):
 * of the parser's array, or of a read-only memory mapping of the file ({@link
 * IgvmParser#parse(java.nio.file.Path)}). The storage behind it is never handed out writable.
 */
public final class Blob {
  private static final Blob EMPTY = new Blob(new byte[0], 0, 0);

  private final byte[] array; // null when the bytes are in a mapped segment
  private final MemorySegment mapped; // null when they are in the array
  private final int offset; // into array or mapped
  private final int length;
  private int hash;

  private Blob(byte[] array, int offset, int length) {
    this.array = array;
    this.mapped = null;
    this.offset = offset;
    this.length = length;
  }

  private Blob(MemorySegment mapped, int offset, int length) {
    this.array = null;
    this.mapped = mapped;
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

  /**
   * A view of {@code segment[offset, offset + length)}: the caller promises that those bytes never
   * change (a read-only mapping of a file that nobody writes while it is in use).
   */
  static Blob view(MemorySegment segment, long offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, segment.byteSize());
    if (length == 0) {
      return EMPTY;
    }
    if (segment.byteSize() > Integer.MAX_VALUE) {
      return new Blob(segment.asSlice(offset, length), 0, length);
    }
    return new Blob(segment, (int) offset, length);
  }

  /**
   * The bytes as a read-only segment (heap or mapped memory, no copy): for hashing them in native
   * code without a copy.
   */
  public MemorySegment segment() {
    MemorySegment whole = array != null ? MemorySegment.ofArray(array) : mapped;
    return whole.asSlice(offset, length).asReadOnly();
  }

  public int length() {
    return length;
  }

  public boolean isEmpty() {
    return length == 0;
  }

  public int byteAt(int index) {
    java.util.Objects.checkIndex(index, length);
    return (array != null
            ? array[offset + index]
            : mapped.get(ValueLayout.JAVA_BYTE, offset + index))
        & 0xFF;
  }

  /** The bytes as a new array. */
  public byte[] toByteArray() {
    if (array == null) {
      return mapped.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  /** Bytes {@code [from, from + count)} as a blob sharing this one's storage. */
  public Blob slice(int from, int count) {
    java.util.Objects.checkFromIndexSize(from, count, length);
    return array != null ? view(array, offset + from, count) : view(mapped, offset + from, count);
  }

  /** This blob followed by zeros up to {@code size} bytes (itself when it is long enough). */
  public Blob paddedTo(int size) {
    if (length >= size) {
      return this;
    }
    byte[] padded = new byte[size];
    copyTo(padded, 0);
    return new Blob(padded, 0, size);
  }

  /** Whether every byte is zero (an empty blob is). */
  public boolean isAllZero() {
    if (array == null) {
      long i = offset;
      long end = offset + (long) length;
      for (; i + 8 <= end; i += 8) {
        if (mapped.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != 0) {
          return false;
        }
      }
      for (; i < end; i++) {
        if (mapped.get(ValueLayout.JAVA_BYTE, i) != 0) {
          return false;
        }
      }
      return true;
    }
    for (int i = offset; i < offset + length; i++) {
      if (array[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Feeds the bytes to {@code digest} without copying them. */
  public void update(MessageDigest digest) {
    if (array == null) {
      digest.update(mapped.asSlice(offset, length).asByteBuffer());
      return;
    }
    digest.update(array, offset, length);
  }

  /** Copies the bytes into {@code destination} at {@code at}. */
  public void copyTo(byte[] destination, int at) {
    copyTo(0, destination, at, length);
  }

  /** Copies bytes {@code [from, from + count)} into {@code destination} at {@code at}. */
  public void copyTo(int from, byte[] destination, int at, int count) {
    java.util.Objects.checkFromIndexSize(from, count, length);
    if (array == null) {
      MemorySegment.copy(mapped, ValueLayout.JAVA_BYTE, offset + from, destination, at, count);
      return;
    }
    System.arraycopy(array, offset + from, destination, at, count);
  }

  public void writeTo(OutputStream out) throws IOException {
    if (array == null) {
      byte[] chunk = new byte[Math.min(length, 1 << 16)];
      for (int at = 0; at < length; at += chunk.length) {
        int n = Math.min(chunk.length, length - at);
        copyTo(at, chunk, 0, n);
        out.write(chunk, 0, n);
      }
      return;
    }
    out.write(array, offset, length);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof Blob that) || that.length != length) {
      return false;
    }
    if (array != null && that.array != null) {
      return Arrays.equals(
          array, offset, offset + length, that.array, that.offset, that.offset + length);
    }
    return MemorySegment.mismatch(segment(), 0, length, that.segment(), 0, length) < 0;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && length != 0) {
      h = 1;
      if (array == null) {
        for (int i = 0; i < length; i++) {
          h = 31 * h + mapped.get(ValueLayout.JAVA_BYTE, offset + i);
        }
      } else {
        for (int i = offset; i < offset + length; i++) {
          h = 31 * h + array[i];
        }
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
                + HexFormat.of().formatHex(slice(0, shown).toByteArray())
                + (shown < length ? "…" : ""));
  }
}
