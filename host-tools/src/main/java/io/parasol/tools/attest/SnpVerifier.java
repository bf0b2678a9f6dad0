package io.parasol.tools.attest;

import io.parasol.isolation.snp.SnpProduct;
import io.parasol.isolation.snp.SnpReport;
import io.parasol.isolation.snp.TcbVersion;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Verifies an SEV-SNP report against its certificates: ARK (pinned) → ASK or ASVK → VCEK or VLEK
 * (RSASSA-PSS), the report's ECDSA P-384 signature, the VCEK's TCB and hwID extensions against
 * REPORTED_TCB and CHIP_ID, and that reserved fields are zero. Every certificate the evidence
 * carries must be part of that chain.
 */
public final class SnpVerifier {
  private static final String OID_PREFIX = "1.3.6.1.4.1.3704.1.";
  private static final String OID_PRODUCT_NAME = OID_PREFIX + "2";
  private static final String OID_BL_SPL = OID_PREFIX + "3.1";
  private static final String OID_TEE_SPL = OID_PREFIX + "3.2";
  private static final String OID_SNP_SPL = OID_PREFIX + "3.3";
  private static final String OID_UCODE_SPL = OID_PREFIX + "3.8";
  private static final String OID_FMC_SPL = OID_PREFIX + "3.9";
  private static final String OID_HWID = OID_PREFIX + "4";

  private SnpVerifier() {}

  /** What a successful verification established, for policy checks. */
  public record Result(SnpReport report, SnpProduct product, TcbVersion reportedTcb) {}

  /**
   * Checks {@code report} and {@code certificates} (any order), recording every claim in {@code
   * verdict}; the result is empty when the chain or product could not be established.
   */
  public static Optional<Result> verify(
      SnpReport report, List<X509Certificate> certificates, Instant at, Verdict verdict) {
    X509Certificate leaf = null;
    for (X509Certificate c : certificates) {
      String cn = Certificates.cn(c.getSubjectX500Principal());
      if (cn.equals("SEV-VCEK") || cn.equals("SEV-VLEK")) {
        leaf = c;
        break;
      }
    }
    if (leaf == null) {
      verdict.fail("snp.vcek", "the evidence carries no VCEK or VLEK certificate");
      return Optional.empty();
    }
    boolean vlek = Certificates.cn(leaf.getSubjectX500Principal()).equals("SEV-VLEK");
    String leafName = vlek ? "VLEK" : "VCEK";
    String issuerCn = Certificates.cn(leaf.getIssuerX500Principal());

    Optional<SnpProduct> fromIssuer = SnpProduct.fromName(issuerCn);
    Optional<SnpProduct> fromReport = report.product();
    if (fromIssuer.isEmpty()) {
      verdict.fail(
          "snp.product", "the " + leafName + " issuer " + issuerCn + " names no known product");
      return Optional.empty();
    }
    SnpProduct product = fromIssuer.get();
    if (fromReport.isPresent() && fromReport.get() != product) {
      verdict.fail(
          "snp.product",
          "the report's CPUID says "
              + fromReport.get().kdsName()
              + " but its "
              + leafName
              + " was issued by "
              + issuerCn);
      return Optional.empty();
    }
    verdict.pass(
        "snp.product",
        product.kdsName()
            + (fromReport.isPresent() ? " (CPUID and issuer agree)" : " (from the issuer)"));

    X509Certificate ark = PinnedRoots.ark(product);
    X509Certificate intermediate = vlek ? PinnedRoots.asvk(product) : PinnedRoots.ask(product);
    String expectedIssuer = Certificates.cn(intermediate.getSubjectX500Principal());
    if (!issuerCn.equals(expectedIssuer)) {
      verdict.fail(
          "snp.chain",
          "the " + leafName + " was issued by " + issuerCn + ", not " + expectedIssuer);
      return Optional.empty();
    }
    // Every certificate the evidence carries must be the leaf, or byte-equal to the pinned
    // intermediate or ARK: anything else means the chain was assembled from other parts.
    List<String> foreign = new ArrayList<>();
    for (X509Certificate c : certificates) {
      if (c != leaf && !c.equals(intermediate) && !c.equals(ark)) {
        foreign.add(Certificates.cn(c.getSubjectX500Principal()));
      }
    }
    if (!foreign.isEmpty()) {
      verdict.fail(
          "snp.chain",
          "the evidence's certificates "
              + String.join(", ", foreign)
              + " are not AMD's pinned "
              + expectedIssuer
              + " or "
              + Certificates.cn(ark.getSubjectX500Principal())
              + " that the "
              + leafName
              + " chains to");
      return Optional.empty();
    }
    boolean chain =
        verdict.check(
                "snp.ark",
                pinnedSignature(ark, ark),
                Certificates.cn(ark.getSubjectX500Principal())
                    + " is the pinned root (SHA-256 "
                    + Certificates.sha256(ark)
                    + ")")
            & verdict.check(
                "snp.intermediate-signature",
                pinnedSignature(intermediate, ark),
                expectedIssuer + " is signed by " + Certificates.cn(ark.getSubjectX500Principal()))
            & verdict.check(
                "snp.vcek-signature",
                Certificates.signedBy(leaf, intermediate.getPublicKey()),
                Certificates.signedBy(leaf, intermediate.getPublicKey())
                    ? "the " + leafName + " is signed by " + expectedIssuer
                    : "the " + leafName + "'s signature by " + expectedIssuer + " is invalid");
    for (X509Certificate c : List.of(ark, intermediate, leaf)) {
      verdict.check(
          "snp.validity." + Certificates.cn(c.getSubjectX500Principal()),
          Certificates.validAt(c, at),
          Certificates.describe(c)
              + (Certificates.validAt(c, at) ? " covers " : " does not cover ")
              + at);
    }

    verdict.check(
        "snp.signature-algorithm",
        report.signatureAlgo() == SnpReport.SIG_ALGO_ECDSA_P384_SHA384,
        "the report's SIGNATURE_ALGO is " + report.signatureAlgo() + " (1 = ECDSA P-384 SHA-384)");
    boolean sigOk = ecdsaP384(report, leaf);
    verdict.check(
        "snp.report-signature",
        sigOk,
        sigOk
            ? "the report's ECDSA P-384 signature verifies with the " + leafName
            : "the report's ECDSA P-384 signature does not verify with the " + leafName);
    SnpReport.SigningKey key = report.signingKey();
    verdict.check(
        "snp.signing-key",
        key == (vlek ? SnpReport.SigningKey.VLEK : SnpReport.SigningKey.VCEK),
        "the report says it was signed by its " + key + ", and the evidence carries a " + leafName);

    TcbVersion tcb = TcbVersion.decode(report.reportedTcbRaw(), product);
    checkTcb(verdict, leaf, leafName, tcb, product);
    if (!vlek && !report.maskChipKey()) {
      byte[] hwid = extensionRaw(leaf, OID_HWID);
      byte[] chip = Arrays.copyOf(report.chipId(), product.hwIdBytes());
      if (hwid == null) {
        verdict.fail("snp.chip-id", "the VCEK has no hwID extension");
      } else {
        verdict.check(
            "snp.chip-id",
            Arrays.equals(hwid, chip)
                && Hex.allZero(Arrays.copyOfRange(report.chipId(), chip.length, 64)),
            Arrays.equals(hwid, chip)
                ? "the VCEK's hwID equals the report's CHIP_ID " + Hex.brief(chip)
                : "the VCEK's hwID "
                    + Hex.brief(hwid)
                    + " is not the report's CHIP_ID "
                    + Hex.brief(chip));
      }
    }
    List<String> reserved = new ArrayList<>(report.nonZeroReserved());
    for (long raw :
        new long[] {
          report.reportedTcbRaw(),
          report.currentTcbRaw(),
          report.committedTcbRaw(),
          report.launchTcbRaw()
        }) {
      if (!TcbVersion.decode(raw, product).reservedZero()) {
        reserved.add(String.format("TCB 0x%016x", raw));
      }
    }
    verdict.check(
        "snp.reserved-zero",
        reserved.isEmpty(),
        reserved.isEmpty()
            ? "every reserved field of the report is zero"
            : "reserved fields of the report are not zero: " + String.join(", ", reserved));
    verdict.check(
        "snp.policy-reserved-bit",
        (report.policy() & SnpReport.POLICY_RESERVED_ONE) != 0,
        String.format(
            "POLICY 0x%x has reserved bit 17 %s",
            report.policy(),
            (report.policy() & SnpReport.POLICY_RESERVED_ONE) != 0 ? "set, as required" : "clear"));
    return chain && sigOk ? Optional.of(new Result(report, product, tcb)) : Optional.empty();
  }

  /** Signatures between pinned certificates never change: each is checked once per process. */
  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> PINNED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean pinnedSignature(X509Certificate cert, X509Certificate issuer) {
    return PINNED.computeIfAbsent(
        Certificates.sha256(cert) + "/" + Certificates.sha256(issuer),
        k -> Certificates.signedBy(cert, issuer.getPublicKey()));
  }

  private static void checkTcb(
      Verdict verdict, X509Certificate leaf, String leafName, TcbVersion tcb, SnpProduct product) {
    List<String> mismatches = new ArrayList<>();
    compare(mismatches, leaf, OID_BL_SPL, "blSPL", tcb.bootLoader());
    compare(mismatches, leaf, OID_TEE_SPL, "teeSPL", tcb.tee());
    compare(mismatches, leaf, OID_SNP_SPL, "snpSPL", tcb.snp());
    compare(mismatches, leaf, OID_UCODE_SPL, "ucodeSPL", tcb.microcode());
    if (product == SnpProduct.TURIN) {
      compare(mismatches, leaf, OID_FMC_SPL, "fmcSPL", tcb.fmc());
    }
    verdict.check(
        "snp.tcb",
        mismatches.isEmpty(),
        mismatches.isEmpty()
            ? "the " + leafName + "'s TCB extensions equal REPORTED_TCB (" + tcb + ")"
            : "the "
                + leafName
                + "'s TCB extensions differ from REPORTED_TCB ("
                + tcb
                + "): "
                + String.join(", ", mismatches));
    byte[] name = extensionRaw(leaf, OID_PRODUCT_NAME);
    if (name != null) {
      String productName = asString(name);
      verdict.check(
          "snp.product-name",
          productName != null && SnpProduct.fromName(productName).equals(Optional.of(product)),
          "the " + leafName + "'s productName is " + productName);
    }
  }

  private static void compare(
      List<String> mismatches, X509Certificate leaf, String oid, String name, int expected) {
    byte[] raw = extensionRaw(leaf, oid);
    if (raw == null) {
      mismatches.add(name + " missing");
      return;
    }
    try {
      BigInteger v = ASN1Integer.getInstance(raw).getValue();
      if (v.intValue() != expected || v.bitLength() > 31) {
        mismatches.add(name + " " + v + " != " + expected);
      }
    } catch (IllegalArgumentException e) {
      mismatches.add(name + " is not an INTEGER");
    }
  }

  /**
   * The extension's extnValue contents. AMD puts hwID there raw; a wrapped OCTET STRING of the
   * right size (as some test fixtures have it) is unwrapped.
   */
  private static byte[] extensionRaw(X509Certificate c, String oid) {
    byte[] der = c.getExtensionValue(oid);
    if (der == null) {
      return null;
    }
    try {
      byte[] content = ASN1OctetString.getInstance(der).getOctets();
      if (oid.equals(OID_HWID) && content.length == 66 && content[0] == 0x04 && content[1] == 64) {
        return Arrays.copyOfRange(content, 2, 66);
      }
      return content;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String asString(byte[] raw) {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(raw);
      return p instanceof ASN1String s ? s.getString() : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static boolean ecdsaP384(SnpReport report, X509Certificate leaf) {
    return Ecdsa.verify(
        "SHA384withECDSA",
        leaf.getPublicKey(),
        report.signedBytes(),
        report.signatureR(),
        report.signatureS());
  }
}
