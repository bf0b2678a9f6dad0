package io.parasol.igvm.measure;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.IgvmFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The Intel TDX MRTD of one platform of a file: one SHA-384 over a 128-byte TDH.MEM.PAGE.ADD record
 * per page and, for measured pages, sixteen 384-byte TDH.MR.EXTEND records of 256 bytes each, page
 * by page in directive order (Intel TDX module ABI; format reference B2).
 */
public final class TdxMrtd {
  private static final int PAGE = 4096;
  private static final int CHUNK = 256;

  private TdxMrtd() {}

  /** The MRTD of the platform with mask bit {@code platformBit}. */
  public static byte[] compute(IgvmFile file, int platformBit) {
    MessageDigest sha = Digests.sha384();
    ParameterAreas areas = new ParameterAreas(file);
    byte[] addRecord = record("MEM.PAGE.ADD");
    byte[] extendRecord = record("MR.EXTEND");
    byte[] zeros = new byte[CHUNK];
    for (DirectiveHeader d : file.directivesFor(platformBit)) {
      switch (d) {
        case PageData p -> {
          if (p.shared()) {
            continue;
          }
          pageAdd(sha, addRecord, p.gpa());
          if (!p.unmeasured()) {
            Blob data = p.data();
            for (int i = 0; i < PAGE / CHUNK; i++) {
              setGpa(extendRecord, p.gpa() + (long) i * CHUNK);
              sha.update(extendRecord);
              if (data.isEmpty()) {
                sha.update(zeros);
              } else {
                data.slice(i * CHUNK, CHUNK).update(sha);
              }
            }
          }
        }
        case ParameterInsert p -> {
          long count = areas.pages(p.parameterAreaIndex());
          for (long i = 0; i < count; i++) {
            pageAdd(sha, addRecord, p.gpa() + i * PAGE);
          }
        }
        default -> {}
      }
    }
    return sha.digest();
  }

  private static void pageAdd(MessageDigest sha, byte[] record, long gpa) {
    setGpa(record, gpa);
    sha.update(record);
  }

  private static byte[] record(String operation) {
    byte[] record = new byte[128];
    byte[] name = operation.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, record, 0, name.length);
    return record;
  }

  private static void setGpa(byte[] record, long gpa) {
    for (int b = 0; b < 8; b++) {
      record[16 + b] = (byte) (gpa >>> (8 * b));
    }
  }
}
