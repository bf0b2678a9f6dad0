package io.parasol.isolation.tdx;

import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An Intel TDX DCAP quote, version 4 or 5 (Intel TDX DCAP Quote Library API, "Quote Format"), with
 * ECDSA-256-with-P-256 attestation keys and QE-report certification data (type 6) wrapping a PCK
 * certificate chain (type 5).
 *
 * <p>Every length comes from the quote's own length fields ({@code sig_data_len}, the v5 body
 * descriptor, the certification data sizes), never from the size of the input: bytes after the
 * signature data (padding, or garbage some tools append) are not part of the quote and are ignored.
 * Lengths that point past the end of the input are rejected.
 */
public final class TdxQuote {
  /** Header length. */
  public static final int HEADER_BYTES = 48;

  /** A TDX 1.0 quote body. */
  public static final int TD10_BODY_BYTES = 584;

  /** A TDX 1.5 quote body (adds TEE_TCB_SVN2 and MRSERVICETD). */
  public static final int TD15_BODY_BYTES = 648;

  /** att_key_type of ECDSA-256-with-P-256. */
  public static final int ATT_KEY_ECDSA_P256 = 2;

  /** tee_type of TDX. */
  public static final int TEE_TYPE_TDX = 0x81;

  /** Certification data type: the PCK leaf, intermediate and root as PEM. */
  public static final int CERT_TYPE_PCK_CHAIN = 5;

  /** Certification data type: QE report, its signature and auth data, then nested data. */
  public static final int CERT_TYPE_QE_REPORT = 6;

  /** TDATTRIBUTES bit 0: the TD is debuggable. */
  public static final long TD_ATTRIBUTES_DEBUG = 1;

  private final byte[] quote;
  private final int version;
  private final int bodyOffset;
  private final int bodyBytes;
  private final int signedBytes;
  private final byte[] signature;
  private final byte[] attestationKey;
  private final byte[] qeReport;
  private final byte[] qeReportSignature;
  private final byte[] qeAuthData;
  private final int certificationType;
  private final byte[] pckChainPem;

  private TdxQuote(byte[] data) throws MalformedEvidenceException {
    if (data.length < HEADER_BYTES) {
      throw bad("is shorter than its 48-byte header");
    }
    ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    version = le.getShort(0) & 0xFFFF;
    int attKeyType = le.getShort(2) & 0xFFFF;
    int teeType = le.getInt(4);
    if (version != 4 && version != 5) {
      throw bad("has version " + version + "; versions 4 and 5 are supported");
    }
    if (teeType != TEE_TYPE_TDX) {
      throw bad(String.format("has TEE type 0x%x, not TDX (0x81)", teeType));
    }
    if (attKeyType != ATT_KEY_ECDSA_P256) {
      throw bad("has attestation key type " + attKeyType + ", not ECDSA-256-with-P-256 (2)");
    }
    if (version == 4) {
      bodyOffset = HEADER_BYTES;
      bodyBytes = TD10_BODY_BYTES;
    } else {
      need(data, HEADER_BYTES + 6, "its body descriptor");
      int type = le.getShort(HEADER_BYTES) & 0xFFFF;
      long size = le.getInt(HEADER_BYTES + 2) & 0xFFFFFFFFL;
      int expected =
          switch (type) {
            case 2 -> TD10_BODY_BYTES;
            case 3 -> TD15_BODY_BYTES;
            default ->
                throw bad("has body type " + type + "; TDX 1.0 (2) and 1.5 (3) are supported");
          };
      if (size != expected) {
        throw bad("says its type " + type + " body is " + size + " bytes, not " + expected);
      }
      bodyOffset = HEADER_BYTES + 6;
      bodyBytes = expected;
    }
    signedBytes = bodyOffset + bodyBytes;
    need(data, signedBytes + 4, "its body and signature data length");
    long sigDataLen = le.getInt(signedBytes) & 0xFFFFFFFFL;
    int sigStart = signedBytes + 4;
    if (sigDataLen > data.length - sigStart) {
      throw bad(
          "says its signature data is "
              + sigDataLen
              + " bytes, but only "
              + (data.length - sigStart)
              + " follow");
    }
    int sigEnd = sigStart + (int) sigDataLen;
    int p = sigStart;
    if (sigEnd - p < 64 + 64 + 6) {
      throw bad("has signature data too short for a signature, key and certification header");
    }
    signature = Arrays.copyOfRange(data, p, p + 64);
    attestationKey = Arrays.copyOfRange(data, p + 64, p + 128);
    p += 128;
    int certType = le.getShort(p) & 0xFFFF;
    long certSize = le.getInt(p + 2) & 0xFFFFFFFFL;
    p += 6;
    if (certSize > sigEnd - p) {
      throw bad("says its certification data is " + certSize + " bytes, past its signature data");
    }
    if (certType != CERT_TYPE_QE_REPORT) {
      throw bad("has certification data type " + certType + ", not QE report data (6)");
    }
    int certEnd = p + (int) certSize;
    if (certEnd - p < 384 + 64 + 2) {
      throw bad("has QE report certification data too short for a QE report and signature");
    }
    qeReport = Arrays.copyOfRange(data, p, p + 384);
    qeReportSignature = Arrays.copyOfRange(data, p + 384, p + 448);
    p += 448;
    int authSize = le.getShort(p) & 0xFFFF;
    p += 2;
    if (authSize > certEnd - p) {
      throw bad("says its QE auth data is " + authSize + " bytes, past its certification data");
    }
    qeAuthData = Arrays.copyOfRange(data, p, p + authSize);
    p += authSize;
    if (certEnd - p < 6) {
      throw bad("has no PCK certification data after the QE auth data");
    }
    certificationType = le.getShort(p) & 0xFFFF;
    long innerSize = le.getInt(p + 2) & 0xFFFFFFFFL;
    p += 6;
    if (innerSize > certEnd - p) {
      throw bad("says its PCK certification data is " + innerSize + " bytes, past its end");
    }
    pckChainPem = Arrays.copyOfRange(data, p, p + (int) innerSize);
    quote = Arrays.copyOf(data, sigEnd);
  }

  /** Parses a quote; bytes after its signature data are ignored. */
  public static TdxQuote parse(byte[] data) throws MalformedEvidenceException {
    return new TdxQuote(data);
  }

  private static void need(byte[] data, int length, String what) throws MalformedEvidenceException {
    if (data.length < length) {
      throw bad("ends (" + data.length + " bytes) before " + what);
    }
  }

  private static MalformedEvidenceException bad(String what) {
    return new MalformedEvidenceException("the TDX quote " + what);
  }

  /** The quote's bytes up to the end of its signature data (a copy). */
  public byte[] bytes() {
    return quote.clone();
  }

  /** The length of the quote as its length fields define it. */
  public int length() {
    return quote.length;
  }

  public int version() {
    return version;
  }

  /** Whether the body is a TDX 1.5 body (v5 type 3). */
  public boolean isTd15() {
    return bodyBytes == TD15_BODY_BYTES;
  }

  /** The 16-byte QE vendor ID (Intel: 939a7233f79c4ca9940a0db3957f0607). */
  public byte[] qeVendorId() {
    return slice(0x0C, 16);
  }

  /** The 20 header user-data bytes (the QE's own data, not the TD's REPORTDATA). */
  public byte[] headerUserData() {
    return slice(0x1C, 20);
  }

  /** The header, descriptor and body: the bytes the attestation key signed (a copy). */
  public byte[] signedBytes() {
    return Arrays.copyOf(quote, signedBytes);
  }

  public byte[] teeTcbSvn() {
    return body(0, 16);
  }

  public byte[] mrSeam() {
    return body(16, 48);
  }

  public byte[] mrSignerSeam() {
    return body(64, 48);
  }

  public long seamAttributes() {
    return le64(bodyOffset + 112);
  }

  public long tdAttributes() {
    return le64(bodyOffset + 120);
  }

  /** Whether TDATTRIBUTES.DEBUG is set: the host can read and change the TD. */
  public boolean debug() {
    return (tdAttributes() & TD_ATTRIBUTES_DEBUG) != 0;
  }

  public long xfam() {
    return le64(bodyOffset + 128);
  }

  public byte[] mrTd() {
    return body(136, 48);
  }

  public byte[] mrConfigId() {
    return body(184, 48);
  }

  public byte[] mrOwner() {
    return body(232, 48);
  }

  public byte[] mrOwnerConfig() {
    return body(280, 48);
  }

  /** RTMR {@code index} (0-3). */
  public byte[] rtmr(int index) {
    if (index < 0 || index > 3) {
      throw new IllegalArgumentException("RTMR index " + index);
    }
    return body(328 + 48 * index, 48);
  }

  public byte[] reportData() {
    return body(520, 64);
  }

  /** TEE_TCB_SVN2 of a TDX 1.5 body; empty for 1.0. */
  public byte[] teeTcbSvn2() {
    return isTd15() ? body(584, 16) : new byte[0];
  }

  /** MRSERVICETD of a TDX 1.5 body; empty for 1.0. */
  public byte[] mrServiceTd() {
    return isTd15() ? body(600, 48) : new byte[0];
  }

  /** The quote signature r‖s, 32 bytes each, big-endian. */
  public byte[] signature() {
    return signature.clone();
  }

  /** The attestation public key x‖y, 32 bytes each, big-endian (no 0x04 prefix). */
  public byte[] attestationKey() {
    return attestationKey.clone();
  }

  /** The QE's 384-byte SGX REPORT_BODY. */
  public byte[] qeReport() {
    return qeReport.clone();
  }

  /** REPORTDATA of the QE report (64 bytes at 320). */
  public byte[] qeReportData() {
    return Arrays.copyOfRange(qeReport, 320, 384);
  }

  /** MRENCLAVE of the QE report. */
  public byte[] qeMrEnclave() {
    return Arrays.copyOfRange(qeReport, 64, 96);
  }

  /** MRSIGNER of the QE report. */
  public byte[] qeMrSigner() {
    return Arrays.copyOfRange(qeReport, 128, 160);
  }

  /** ISVPRODID of the QE report. */
  public int qeIsvProdId() {
    return (qeReport[256] & 0xFF) | (qeReport[257] & 0xFF) << 8;
  }

  /** ISVSVN of the QE report. */
  public int qeIsvSvn() {
    return (qeReport[258] & 0xFF) | (qeReport[259] & 0xFF) << 8;
  }

  /** MISCSELECT of the QE report. */
  public long qeMiscSelect() {
    return ByteBuffer.wrap(qeReport).order(ByteOrder.LITTLE_ENDIAN).getInt(16) & 0xFFFFFFFFL;
  }

  /** ATTRIBUTES (16 bytes) of the QE report. */
  public byte[] qeAttributes() {
    return Arrays.copyOfRange(qeReport, 48, 64);
  }

  /** The QE report signature r‖s by the PCK key, big-endian. */
  public byte[] qeReportSignature() {
    return qeReportSignature.clone();
  }

  public byte[] qeAuthData() {
    return qeAuthData.clone();
  }

  /** The type of the nested certification data (5 for a PCK chain). */
  public int certificationType() {
    return certificationType;
  }

  /** The nested certification data: for type 5 the PCK chain as PEM. */
  public byte[] certificationData() {
    return pckChainPem.clone();
  }

  private byte[] slice(int offset, int length) {
    return Arrays.copyOfRange(quote, offset, offset + length);
  }

  private byte[] body(int offset, int length) {
    return slice(bodyOffset + offset, length);
  }

  private long le64(int offset) {
    return ByteBuffer.wrap(quote).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
  }
}
