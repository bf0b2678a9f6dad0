package io.parasol.igvm.measure;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.ErrorRange;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.PageDataType;
import io.parasol.igvm.format.VbsRegister;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hyper-V VBS boot digest of one platform of a file: D := SHA-256(D ‖ record) for a 4128-byte
 * record per page in directive order, then a 48-byte record per VP register of the VP contexts
 * (format reference B3).
 */
public final class VbsBootDigest {
  private static final int PAGE = 4096;
  private static final int PAGE_RECORD_BYTES = 4128;
  private static final int REGISTER_RECORD_BYTES = 48;
  private static final int CHUNK_VP_REGISTER = 0;
  private static final int CHUNK_GPA_PAGE = 2;
  private static final long ACCEPT_READ_WRITE = 0x3;
  private static final long DATA_UNMEASURED = 0x4;

  private VbsBootDigest() {}

  /** The boot digest of the platform with mask bit {@code platformBit}. */
  public static byte[] compute(IgvmFile file, int platformBit) throws MeasurementException {
    MessageDigest sha = Digests.sha256();
    byte[] digest = new byte[32];
    ParameterAreas areas = new ParameterAreas(file);
    List<VbsRegister> registers = new ArrayList<>();
    for (DirectiveHeader d : file.directivesFor(platformBit)) {
      switch (d) {
        case PageData p -> {
          if (p.dataType() != PageDataType.NORMAL) {
            throw new MeasurementException(
                "VBS measures only NORMAL pages; the page at 0x"
                    + Long.toHexString(p.gpa())
                    + " is "
                    + p.dataType());
          }
          if (!p.shared()) {
            digest =
                page(
                    sha,
                    digest,
                    p.gpa(),
                    p.unmeasured() ? DATA_UNMEASURED : 0,
                    p.unmeasured() ? Blob.empty() : p.data());
          }
        }
        case ParameterInsert p -> {
          long count = areas.pages(p.parameterAreaIndex());
          for (long i = 0; i < count; i++) {
            digest = page(sha, digest, p.gpa() + i * PAGE, DATA_UNMEASURED, Blob.empty());
          }
        }
        case ErrorRange r -> {
          long count = ((r.sizeBytes() & 0xFFFFFFFFL) + PAGE - 1) / PAGE;
          for (long i = 0; i < count; i++) {
            digest =
                page(
                    sha,
                    digest,
                    r.gpa() + i * PAGE,
                    ACCEPT_READ_WRITE | DATA_UNMEASURED,
                    Blob.empty());
          }
        }
        case VpContext c -> registers.addAll(VbsRegister.decode(c.data()));
        default -> {}
      }
    }
    byte[] record = new byte[REGISTER_RECORD_BYTES];
    putInt(record, 0, REGISTER_RECORD_BYTES);
    putInt(record, 4, CHUNK_VP_REGISTER);
    for (VbsRegister r : registers) {
      record[20] = (byte) r.vtl();
      putInt(record, 28, r.name());
      r.value().copyTo(record, 32);
      sha.update(digest);
      sha.update(record);
      digest = sha.digest();
    }
    return digest;
  }

  private static byte[] page(MessageDigest sha, byte[] digest, long gpa, long metadata, Blob data) {
    byte[] header = new byte[32];
    putInt(header, 0, PAGE_RECORD_BYTES);
    putInt(header, 4, CHUNK_GPA_PAGE);
    putLong(header, 16, metadata);
    putLong(header, 24, gpa / PAGE);
    sha.update(digest);
    sha.update(header);
    data.update(sha);
    sha.update(new byte[PAGE - data.length()]);
    return sha.digest();
  }

  private static void putInt(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
