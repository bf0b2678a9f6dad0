package io.parasol.isolation.snp;

import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An AMD SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI spec 56860, table "ATTESTATION_REPORT"), versions
 * 2, 3 and 5: 0x4A0 bytes, integers little-endian. The report is parsed from a private copy, so
 * later changes to the caller's array do not change it.
 *
 * <p>Versions above 5 are accepted when their layout up to the signature is the v5 one; versions
 * below 2 are rejected. The TCB fields are kept raw here: their layout depends on the product,
 * which a v2 report does not carry ({@link #tcb(long, SnpProduct)}).
 */
public final class SnpReport {
  /** The size of the report in bytes. */
  public static final int SIZE = 0x4A0;

  /** The report's signature covers bytes [0, SIGNED_BYTES). */
  public static final int SIGNED_BYTES = 0x2A0;

  /** SIGNATURE_ALGO value for ECDSA P-384 with SHA-384. */
  public static final int SIG_ALGO_ECDSA_P384_SHA384 = 1;

  /** POLICY bit 19: the guest may be debugged by the host. */
  public static final long POLICY_DEBUG = 1L << 19;

  /** POLICY bit 17: reserved, must be one. */
  public static final long POLICY_RESERVED_ONE = 1L << 17;

  /** POLICY bit 18: a migration agent may be associated. */
  public static final long POLICY_MIGRATE_MA = 1L << 18;

  /** The key that signed the report, from signer info bits 2-4. */
  public enum SigningKey {
    VCEK,
    VLEK,
    NONE,
    RESERVED
  }

  private final byte[] bytes;
  private final ByteBuffer le;

  private SnpReport(byte[] bytes) {
    this.bytes = bytes;
    this.le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Parses a report. {@code data} may be longer than {@link #SIZE} (for example a firmware response
   * with padding); only the first {@link #SIZE} bytes are the report.
   */
  public static SnpReport parse(byte[] data) throws MalformedEvidenceException {
    if (data.length < SIZE) {
      throw new MalformedEvidenceException(
          "an SNP attestation report is "
              + SIZE
              + " bytes, but only "
              + data.length
              + " bytes were given");
    }
    SnpReport r = new SnpReport(Arrays.copyOf(data, SIZE));
    int version = r.version();
    if (version < 2) {
      throw new MalformedEvidenceException(
          "SNP attestation report version " + version + " is not supported (2, 3 and 5 are)");
    }
    return r;
  }

  /** The report's bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bytes the signature covers (a copy). */
  public byte[] signedBytes() {
    return Arrays.copyOf(bytes, SIGNED_BYTES);
  }

  public int version() {
    return le.getInt(0x000);
  }

  public int guestSvn() {
    return le.getInt(0x004);
  }

  public long policy() {
    return le.getLong(0x008);
  }

  /** Whether POLICY allows the host to debug the guest (bit 19). */
  public boolean debugAllowed() {
    return (policy() & POLICY_DEBUG) != 0;
  }

  public byte[] familyId() {
    return slice(0x010, 16);
  }

  public byte[] imageId() {
    return slice(0x020, 16);
  }

  public int vmpl() {
    return le.getInt(0x030);
  }

  public int signatureAlgo() {
    return le.getInt(0x034);
  }

  public long currentTcbRaw() {
    return le.getLong(0x038);
  }

  public long platformInfo() {
    return le.getLong(0x040);
  }

  public int signerInfo() {
    return le.getInt(0x048);
  }

  /** Whether AUTHOR_KEY_DIGEST is present (signer info bit 0). */
  public boolean authorKeyEnabled() {
    return (signerInfo() & 1) != 0;
  }

  /** Whether the chip ID is masked (signer info bit 1). */
  public boolean maskChipKey() {
    return (signerInfo() & 2) != 0;
  }

  public SigningKey signingKey() {
    return switch ((signerInfo() >>> 2) & 7) {
      case 0 -> SigningKey.VCEK;
      case 1 -> SigningKey.VLEK;
      case 7 -> SigningKey.NONE;
      default -> SigningKey.RESERVED;
    };
  }

  public byte[] reportData() {
    return slice(0x050, 64);
  }

  public byte[] measurement() {
    return slice(0x090, 48);
  }

  public byte[] hostData() {
    return slice(0x0C0, 32);
  }

  public byte[] idKeyDigest() {
    return slice(0x0E0, 48);
  }

  public byte[] authorKeyDigest() {
    return slice(0x110, 48);
  }

  public byte[] reportId() {
    return slice(0x140, 32);
  }

  public byte[] reportIdMa() {
    return slice(0x160, 32);
  }

  /** REPORTED_TCB: the TCB the VCEK is derived for. */
  public long reportedTcbRaw() {
    return le.getLong(0x180);
  }

  /** CPUID family (v3+; zero in v2). */
  public int cpuidFamily() {
    return version() >= 3 ? bytes[0x188] & 0xFF : 0;
  }

  /** CPUID model (v3+; zero in v2). */
  public int cpuidModel() {
    return version() >= 3 ? bytes[0x189] & 0xFF : 0;
  }

  /** CPUID stepping (v3+; zero in v2). */
  public int cpuidStepping() {
    return version() >= 3 ? bytes[0x18A] & 0xFF : 0;
  }

  public byte[] chipId() {
    return slice(0x1A0, 64);
  }

  public long committedTcbRaw() {
    return le.getLong(0x1E0);
  }

  /** CURRENT_MAJOR.CURRENT_MINOR.CURRENT_BUILD of the firmware, e.g. "1.55.29". */
  public String currentFirmware() {
    return (bytes[0x1EA] & 0xFF) + "." + (bytes[0x1E9] & 0xFF) + "." + (bytes[0x1E8] & 0xFF);
  }

  /** COMMITTED_MAJOR.COMMITTED_MINOR.COMMITTED_BUILD of the firmware. */
  public String committedFirmware() {
    return (bytes[0x1EE] & 0xFF) + "." + (bytes[0x1ED] & 0xFF) + "." + (bytes[0x1EC] & 0xFF);
  }

  public long launchTcbRaw() {
    return le.getLong(0x1F0);
  }

  /** LAUNCH_MIT_VECTOR (v5+; zero before). */
  public long launchMitVector() {
    return version() >= 5 ? le.getLong(0x1F8) : 0;
  }

  /** CURRENT_MIT_VECTOR (v5+; zero before). */
  public long currentMitVector() {
    return version() >= 5 ? le.getLong(0x200) : 0;
  }

  /** The product the report's CPUID fields name (v3+); empty for v2 or an unknown model. */
  public Optional<SnpProduct> product() {
    return version() >= 3 ? SnpProduct.fromCpuid(cpuidFamily(), cpuidModel()) : Optional.empty();
  }

  /** Decodes one of the raw TCB fields with the product's layout. */
  public static TcbVersion tcb(long raw, SnpProduct product) {
    return TcbVersion.decode(raw, product);
  }

  /** The signature's R as a positive integer (stored as 72 little-endian bytes at 0x2A0). */
  public BigInteger signatureR() {
    return littleEndian(0x2A0, 72);
  }

  /** The signature's S as a positive integer (stored as 72 little-endian bytes at 0x2E8). */
  public BigInteger signatureS() {
    return littleEndian(0x2E8, 72);
  }

  /**
   * The reserved ranges of this version's layout that are not zero, as "0xSTART-0xEND" strings
   * (empty when every reserved byte is zero). Signer info bits 5-31 count as reserved.
   */
  public List<String> nonZeroReserved() {
    List<String> bad = new ArrayList<>();
    if ((signerInfo() & ~0x1F) != 0) {
      bad.add("signer info bits 5-31");
    }
    checkZero(bad, 0x04C, 0x050);
    checkZero(bad, version() >= 3 ? 0x18B : 0x188, 0x1A0);
    checkZero(bad, 0x1EB, 0x1EC);
    checkZero(bad, 0x1EF, 0x1F0);
    checkZero(bad, version() >= 5 ? 0x208 : 0x1F8, SIGNED_BYTES);
    checkZero(bad, 0x330, SIZE);
    return bad;
  }

  private void checkZero(List<String> bad, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        bad.add(String.format("0x%03X-0x%03X", from, to - 1));
        return;
      }
    }
  }

  private byte[] slice(int offset, int length) {
    return Arrays.copyOfRange(bytes, offset, offset + length);
  }

  private BigInteger littleEndian(int offset, int length) {
    byte[] be = new byte[length];
    for (int i = 0; i < length; i++) {
      be[i] = bytes[offset + length - 1 - i];
    }
    return new BigInteger(1, be);
  }
}
