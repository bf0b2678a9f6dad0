package io.parasol.machine.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The guest's physical memory. Every access is bounds-checked and either happens whole or throws
 * {@link GuestMemoryException}; nothing is partially copied on failure.
 *
 * <p>Read guest data once into a private copy, validate the copy, then use it: the guest (or, for
 * shared memory, the host) can change memory between two reads.
 */
public interface GuestMemory {
  /** Copies {@code dst.byteSize()} bytes starting at {@code gpa} into {@code dst}. */
  void read(long gpa, MemorySegment dst) throws GuestMemoryException;

  /** Copies all of {@code src} into guest memory starting at {@code gpa}. */
  void write(long gpa, MemorySegment src) throws GuestMemoryException;

  /** Fails unless {@code [gpa, gpa+length)} is RAM shared with the host. */
  void requireShared(long gpa, long length) throws GuestMemoryException;

  /** Fails unless {@code [gpa, gpa+length)} is RAM private to the guest. */
  void requirePrivate(long gpa, long length) throws GuestMemoryException;

  /** Whether {@code [gpa, gpa+length)} is all guest RAM. */
  boolean isRam(long gpa, long length);

  /** Copies {@code length} bytes at {@code gpa} into {@code dst[offset..]}. */
  default void read(long gpa, byte[] dst, int offset, int length) throws GuestMemoryException {
    read(gpa, MemorySegment.ofArray(dst).asSlice(offset, length));
  }

  /** Copies {@code src[offset..offset+length)} into guest memory at {@code gpa}. */
  default void write(long gpa, byte[] src, int offset, int length) throws GuestMemoryException {
    write(gpa, MemorySegment.ofArray(src).asSlice(offset, length));
  }

  /** Reads {@code length} bytes at {@code gpa} into a new array. */
  default byte[] readBytes(long gpa, int length) throws GuestMemoryException {
    byte[] bytes = new byte[length];
    read(gpa, bytes, 0, length);
    return bytes;
  }

  /** Writes all of {@code src} at {@code gpa}. */
  default void write(long gpa, byte[] src) throws GuestMemoryException {
    write(gpa, src, 0, src.length);
  }

  /** Reads a little-endian 8-byte value. */
  default long readLong(long gpa) throws GuestMemoryException {
    byte[] b = readBytes(gpa, 8);
    return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
  }

  /** Reads a little-endian 4-byte value. */
  default int readInt(long gpa) throws GuestMemoryException {
    byte[] b = readBytes(gpa, 4);
    return MemorySegment.ofArray(b).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
  }

  /** Reads a little-endian 2-byte value. */
  default short readShort(long gpa) throws GuestMemoryException {
    byte[] b = readBytes(gpa, 2);
    return MemorySegment.ofArray(b).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
  }

  /** Reads one byte. */
  default byte readByte(long gpa) throws GuestMemoryException {
    return readBytes(gpa, 1)[0];
  }

  /** Writes a little-endian 8-byte value. */
  default void writeLong(long gpa, long value) throws GuestMemoryException {
    byte[] b = new byte[8];
    MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
    write(gpa, b);
  }

  /** Writes a little-endian 4-byte value. */
  default void writeInt(long gpa, int value) throws GuestMemoryException {
    byte[] b = new byte[4];
    MemorySegment.ofArray(b).set(ValueLayout.JAVA_INT_UNALIGNED, 0, value);
    write(gpa, b);
  }

  /** Writes a little-endian 2-byte value. */
  default void writeShort(long gpa, short value) throws GuestMemoryException {
    byte[] b = new byte[2];
    MemorySegment.ofArray(b).set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, value);
    write(gpa, b);
  }

  /** Writes one byte. */
  default void writeByte(long gpa, byte value) throws GuestMemoryException {
    write(gpa, new byte[] {value});
  }
}
