package io.parasol.igvm.format;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link IgvmFile} in the reference writer's layout (format reference §10), so a file it
 * read is written back byte for byte: fixed header at 0 and the variable headers right after it,
 * each padded to 8 bytes; then the file data in the order headers refer to it (initialization
 * headers, then directives), each distinct blob once (a second header with identical data points at
 * the first copy); CRC-32 over the fixed and variable headers.
 *
 * <p>The output depends on nothing but the {@link IgvmFile}: no time, no host, no hash-map order.
 * When no header has file data, eight zero bytes are appended, because the reference parser rejects
 * a file whose data section is empty.
 */
public final class IgvmWriter {
  private IgvmWriter() {}

  /** The file's bytes. */
  public static byte[] write(IgvmFile igvm) {
    FormatRevision revision = igvm.revision();
    List<VariableHeader> headers = igvm.headers();
    int fixed = revision.fixedHeaderBytes();
    long sectionBytes = 0;
    for (VariableHeader h : headers) {
      sectionBytes += 8 + ((HeaderCodec.contentBytes(h) + 7) & ~7L);
    }
    long cursor = fixed + sectionBytes;
    Map<Blob, Long> offsets = new HashMap<>();
    java.util.ArrayList<Blob> order = new java.util.ArrayList<>();
    for (VariableHeader h : headers) {
      for (Blob blob : HeaderCodec.blobs(h)) {
        if (!offsets.containsKey(blob)) {
          offsets.put(blob, cursor);
          order.add(blob);
          cursor += blob.length();
        }
      }
    }
    if (order.isEmpty()) {
      cursor += 8;
    }
    if (cursor > 0xFFFF_FFFFL || cursor > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "the file would be "
              + cursor
              + " bytes: IGVM file offsets are 32-bit (and Parasol writes up to 2 GiB)");
    }
    byte[] out = new byte[(int) cursor];
    Le.putInt(out, 0, IgvmParser.MAGIC);
    Le.putInt(out, 4, revision.version());
    Le.putInt(out, 8, fixed);
    Le.putInt(out, 12, (int) sectionBytes);
    Le.putInt(out, 16, out.length);
    if (revision.version() == 2) {
      Le.putInt(out, 24, revision.architecture().value());
      Le.putInt(out, 28, revision.pageSizeBytes());
    }
    int at = fixed;
    HeaderCodec.DataOffsets data = blob -> (int) (long) offsets.get(blob);
    for (VariableHeader h : headers) {
      int length = HeaderCodec.contentBytes(h);
      Le.putInt(out, at, h.type());
      Le.putInt(out, at + 4, length);
      HeaderCodec.encode(h, out, at + 8, data);
      at += 8 + ((length + 7) & ~7);
    }
    for (Blob blob : order) {
      blob.copyTo(out, (int) (long) offsets.get(blob));
    }
    Le.putInt(out, 20, IgvmParser.checksum(out, fixed, fixed, (int) sectionBytes));
    return out;
  }
}
