package io.parasol.igvm.format;

import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads an IGVM file and checks every rule of the format reference (fixed header, checksum, the TLV
 * layout, group order, exact lengths, reserved fields, file data ranges, platform masks, parameter
 * area life cycle, VP contexts). The first violation is reported with its file offset.
 *
 * <p>Differences from the reference crate 0.4.0, by design: a header with the optional bit (31) set
 * is kept opaque and skipped ({@link VariableHeader.OptionalHeader}), as the specification says,
 * where the crate rejects it; and an empty file data section is accepted.
 */
public final class IgvmParser {
  public static final int MAGIC = 0x4D564749; // "IGVM"

  private IgvmParser() {}

  /** Files at least this long are memory-mapped rather than read ({@link #parse(Path)}). */
  static final long MAP_THRESHOLD = 1 << 20;

  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /**
   * Reads and parses {@code file}. A file of 1 MiB or more is mapped read-only rather than copied
   * into the heap: the headers are copied and checked, and the blobs of the file data section (the
   * pages) are views of the mapping, which lives as long as they do. The file must not be changed
   * or truncated while its result is in use.
   */
  public static IgvmFile parse(Path file) throws IOException, IgvmFormatException {
    return parse(file, MAP_THRESHOLD);
  }

  static IgvmFile parse(Path file, long mapThreshold) throws IOException, IgvmFormatException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IgvmFormatException(
            0, "the file is larger than 2 GiB, which Parasol does not read");
      }
      if (size < mapThreshold) {
        byte[] bytes = new byte[(int) size];
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
          // read on
        }
        if (buffer.hasRemaining()) {
          throw new IOException("the file became shorter while it was read");
        }
        return parse(bytes);
      }
      MemorySegment mapped =
          channel.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto()).asReadOnly();
      // The fixed header and the variable header section are copied; the rest stays mapped.
      long head = Math.min(size, 32);
      if (size >= 24) {
        long end = (mapped.get(U32, 8) & 0xFFFFFFFFL) + (mapped.get(U32, 12) & 0xFFFFFFFFL);
        head = Math.min(size, Math.max(head, end));
      }
      byte[] headBytes = mapped.asSlice(0, head).toArray(ValueLayout.JAVA_BYTE);
      return new Reader(headBytes, mapped, size).read();
    }
  }

  /**
   * Parses {@code file}. The array must not change afterwards: blobs of the result are views of it.
   */
  public static IgvmFile parse(byte[] file) throws IgvmFormatException {
    return new Reader(file, null, file.length).read();
  }

  /** The CRC-32 of the fixed header (checksum taken as zero) and the variable header section. */
  public static int checksum(
      byte[] file, int fixedHeaderBytes, int sectionOffset, int sectionBytes) {
    CRC32 crc = new CRC32();
    crc.update(file, 0, 20);
    crc.update(new byte[4]);
    crc.update(file, 24, fixedHeaderBytes - 24);
    crc.update(file, sectionOffset, sectionBytes);
    return (int) crc.getValue();
  }

  private static final class Reader implements HeaderCodec.DataSource {
    private final byte[] file; // the whole file, or (when mapped) at least its headers
    private final MemorySegment mapped; // the whole file when it is mapped, else null
    private final long length; // the file's length
    private int headerAt; // content offset of the header being decoded
    private int dataStart;
    private final List<SupportedPlatform> platforms = new ArrayList<>();

    Reader(byte[] file, MemorySegment mapped, long length) {
      this.file = file;
      this.mapped = mapped;
      this.length = length;
    }

    IgvmFile read() throws IgvmFormatException {
      if (length < 24) {
        throw new IgvmFormatException(
            0, "the file is " + length + " bytes, shorter than the 24-byte fixed header");
      }
      if (Le.getInt(file, 0) != MAGIC) {
        throw new IgvmFormatException(0, "magic is not \"IGVM\" (0x4D564749)");
      }
      int version = Le.getInt(file, 4);
      if (version != 1 && version != 2) {
        throw new IgvmFormatException(
            4, "format_version " + Integer.toUnsignedString(version) + " is not 1 or 2");
      }
      FormatRevision revision = FormatRevision.V1;
      if (version == 2) {
        if (length < 32) {
          throw new IgvmFormatException(0, "the file is shorter than the 32-byte v2 fixed header");
        }
        int arch = Le.getInt(file, 24);
        Architecture architecture =
            Architecture.fromValue(arch)
                .orElseThrow(
                    () ->
                        new IgvmFormatException(
                            24,
                            "architecture "
                                + Integer.toUnsignedString(arch)
                                + " is not 0 (x64) or 1 (AArch64)"));
        int pageSize = Le.getInt(file, 28);
        if (pageSize != FormatRevision.PAGE_SIZE) {
          throw new IgvmFormatException(
              28, "page_size " + Integer.toUnsignedString(pageSize) + " is not 4096");
        }
        revision = FormatRevision.v2(architecture);
      }
      int fixed = revision.fixedHeaderBytes();
      long sectionOffset = Le.getInt(file, 8) & 0xFFFFFFFFL;
      long sectionBytes = Le.getInt(file, 12) & 0xFFFFFFFFL;
      long total = Le.getInt(file, 16) & 0xFFFFFFFFL;
      if (total != length) {
        throw new IgvmFormatException(
            16, "total_file_size " + total + " is not the file's length " + length);
      }
      if (sectionOffset < fixed || sectionOffset % 8 != 0) {
        throw new IgvmFormatException(
            8,
            "variable_header_offset "
                + sectionOffset
                + " is not 8-aligned at or after the "
                + fixed
                + "-byte fixed header");
      }
      if (sectionOffset + sectionBytes > length) {
        throw new IgvmFormatException(
            12,
            "the variable header section ("
                + sectionBytes
                + " bytes at "
                + sectionOffset
                + ") runs past the end of the file");
      }
      int crc = checksum(file, fixed, (int) sectionOffset, (int) sectionBytes);
      if (crc != Le.getInt(file, 20)) {
        throw new IgvmFormatException(
            20,
            String.format(
                "checksum 0x%08X does not match the headers' CRC-32 0x%08X",
                Le.getInt(file, 20), crc));
      }
      dataStart = (int) (sectionOffset + sectionBytes);
      return headers(revision, (int) sectionOffset, dataStart);
    }

    private IgvmFile headers(FormatRevision revision, int start, int end)
        throws IgvmFormatException {
      List<PlatformHeader> platformHeaders = new ArrayList<>();
      List<InitializationHeader> initializations = new ArrayList<>();
      List<DirectiveHeader> directives = new ArrayList<>();
      int[] offsets = new int[64]; // of each header, for errors between headers
      int headers = 0;
      HeaderType.Group current = HeaderType.Group.PLATFORM;
      int at = start;
      while (at < end) {
        if (end - at < 8) {
          throw new IgvmFormatException(
              at, "a header entry's 8-byte type and length run past the section's end");
        }
        int type = Le.getInt(file, at);
        long length = Le.getInt(file, at + 4) & 0xFFFFFFFFL;
        long padded = (length + 7) & ~7L;
        if (at + 8 + padded > end) {
          throw new IgvmFormatException(
              at + 4,
              HeaderType.name(type)
                  + " length "
                  + length
                  + " runs past the end of the variable header section");
        }
        HeaderType.Group group = HeaderType.groupOf(type);
        if (group == null) {
          throw new IgvmFormatException(
              at, "header type " + HeaderType.name(type) + " is in no group's range");
        }
        if (group.ordinal() < current.ordinal()) {
          throw new IgvmFormatException(
              at,
              HeaderType.name(type)
                  + " ("
                  + group.name().toLowerCase(java.util.Locale.ROOT)
                  + " group) after a "
                  + current.name().toLowerCase(java.util.Locale.ROOT)
                  + " header: the order must be platform, initialization, directive");
        }
        current = group;
        VariableHeader header;
        if ((type & HeaderType.OPTIONAL_BIT) != 0) {
          checkPadding(at, type, length, padded);
          header = new VariableHeader.OptionalHeader(type, Blob.view(file, at + 8, (int) length));
        } else {
          if (type == HeaderType.RESERVED_306) {
            throw new IgvmFormatException(at, "header type 0x306 is reserved and never valid");
          }
          int expected = HeaderType.contentBytes(type);
          if (expected < 0) {
            throw new IgvmFormatException(
                at, "unknown header type " + HeaderType.name(type) + " without the optional bit");
          }
          if (length != expected) {
            throw new IgvmFormatException(
                at + 4, HeaderType.name(type) + " length " + length + " is not " + expected);
          }
          checkPadding(at, type, length, padded);
          headerAt = at + 8;
          try {
            header = HeaderCodec.decode(type, file, at + 8, this);
          } catch (IllegalArgumentException e) {
            throw new IgvmFormatException(at, e.getMessage());
          }
        }
        switch (group) {
          case PLATFORM -> {
            platformHeaders.add((PlatformHeader) header);
            if (header instanceof SupportedPlatform p) {
              platforms.add(p);
            }
          }
          case INITIALIZATION -> initializations.add((InitializationHeader) header);
          case DIRECTIVE -> directives.add((DirectiveHeader) header);
        }
        if (headers == offsets.length) {
          offsets = java.util.Arrays.copyOf(offsets, headers * 2);
        }
        offsets[headers++] = at;
        at += 8 + (int) padded;
      }
      try {
        return new IgvmFile(revision, platformHeaders, initializations, directives);
      } catch (IllegalArgumentException e) {
        // A rule between headers is broken: find the first one again, with its offset.
        HeaderRules.Violation v =
            HeaderRules.check(revision, platformHeaders, initializations, directives);
        if (v == null) {
          throw new IgvmFormatException(start, e.getMessage());
        }
        throw new IgvmFormatException(headers == 0 ? start : offsets[v.headerIndex()], v.rule());
      }
    }

    private void checkPadding(int at, int type, long length, long padded)
        throws IgvmFormatException {
      for (int i = at + 8 + (int) length; i < at + 8 + padded; i++) {
        if (file[i] != 0) {
          throw new IgvmFormatException(
              i, "padding after " + HeaderType.name(type) + " is not zero");
        }
      }
    }

    @Override
    public Blob read(long fileOffset, long sizeBytes, String what) throws IgvmFormatException {
      if (fileOffset < dataStart || fileOffset + sizeBytes > length) {
        throw error(
            -1,
            what
                + " ("
                + sizeBytes
                + " bytes at file offset "
                + fileOffset
                + ") is not inside the file data section ["
                + dataStart
                + ", "
                + length
                + ")");
      }
      return mapped != null
          ? Blob.view(mapped, fileOffset, (int) sizeBytes)
          : Blob.view(file, (int) fileOffset, (int) sizeBytes);
    }

    @Override
    public long readU32(long fileOffset, String what) throws IgvmFormatException {
      read(fileOffset, 4, what);
      return (mapped != null ? mapped.get(U32, fileOffset) : Le.getInt(file, (int) fileOffset))
          & 0xFFFFFFFFL;
    }

    @Override
    public PlatformType platformOf(int mask) {
      for (SupportedPlatform p : platforms) {
        if (p.compatibilityMask() == mask) {
          return p.platformType();
        }
      }
      return null;
    }

    @Override
    public IgvmFormatException error(int relativeOffset, String rule) {
      return new IgvmFormatException(
          relativeOffset < 0 ? headerAt - 8 : headerAt + relativeOffset, rule);
    }
  }
}
