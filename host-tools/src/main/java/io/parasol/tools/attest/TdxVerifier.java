package io.parasol.tools.attest;

import io.parasol.isolation.tdx.TdxQuote;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Verifies a TDX DCAP quote: the PCK chain to the pinned Intel SGX Root CA, the QE report's
 * signature by the PCK key, the QE report's binding of the attestation key (REPORTDATA =
 * SHA-256(attestation key ‖ QE auth data) ‖ 0³²), and the quote's signature by the attestation key.
 * Collateral (TCB info, QE identity) is checked by {@code TdxCollateral} when given.
 */
public final class TdxVerifier {
  static final byte[] INTEL_QE_VENDOR_ID =
      java.util.HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607");

  private TdxVerifier() {}

  /** What a successful verification established: the quote and its PCK leaf. */
  public record Result(TdxQuote quote, X509Certificate pckLeaf) {}

  public static Optional<Result> verify(TdxQuote quote, Instant at, Verdict verdict) {
    verdict.check(
        "tdx.qe-vendor",
        Arrays.equals(quote.qeVendorId(), INTEL_QE_VENDOR_ID),
        "the quote's QE vendor ID is " + Hex.of(quote.qeVendorId()));
    if (quote.certificationType() != TdxQuote.CERT_TYPE_PCK_CHAIN) {
      verdict.fail(
          "tdx.pck-chain",
          "the quote carries certification data type "
              + quote.certificationType()
              + ", not a PCK chain (5)");
      return Optional.empty();
    }
    List<X509Certificate> chain;
    try {
      chain = Certificates.parse(quote.certificationData());
    } catch (CertificateException e) {
      verdict.fail("tdx.pck-chain", "the quote's PCK chain does not parse: " + e.getMessage());
      return Optional.empty();
    }
    X509Certificate root = PinnedRoots.intelRoot();
    if (chain.size() != 3) {
      verdict.fail(
          "tdx.pck-chain",
          "the quote's PCK chain has " + chain.size() + " certificates, not leaf, CA and root");
      return Optional.empty();
    }
    X509Certificate leaf = chain.get(0);
    X509Certificate ca = chain.get(1);
    boolean ok =
        verdict.check(
                "tdx.root",
                chain.get(2).equals(root),
                chain.get(2).equals(root)
                    ? "the chain ends in the pinned Intel SGX Root CA (SHA-256 "
                        + PinnedRoots.INTEL_ROOT_SHA256
                        + ")"
                    : "the chain ends in "
                        + Certificates.cn(chain.get(2).getSubjectX500Principal())
                        + " (SHA-256 "
                        + Certificates.sha256(chain.get(2))
                        + "), not the pinned Intel SGX Root CA")
            & verdict.check(
                "tdx.pck-ca-signature",
                Certificates.signedBy(ca, root.getPublicKey()),
                Certificates.cn(ca.getSubjectX500Principal())
                    + (Certificates.signedBy(ca, root.getPublicKey()) ? " is" : " is not")
                    + " signed by the Intel SGX Root CA")
            & verdict.check(
                "tdx.pck-signature",
                Certificates.signedBy(leaf, ca.getPublicKey()),
                "the PCK certificate"
                    + (Certificates.signedBy(leaf, ca.getPublicKey()) ? " is" : " is not")
                    + " signed by "
                    + Certificates.cn(ca.getSubjectX500Principal()));
    for (X509Certificate c : List.of(root, ca, leaf)) {
      verdict.check(
          "tdx.validity." + Certificates.cn(c.getSubjectX500Principal()),
          Certificates.validAt(c, at),
          Certificates.describe(c)
              + (Certificates.validAt(c, at) ? " covers " : " does not cover ")
              + at);
    }
    boolean qeSig =
        Ecdsa.verifyRaw(
            "SHA256withECDSA", leaf.getPublicKey(), quote.qeReport(), quote.qeReportSignature());
    ok &=
        verdict.check(
            "tdx.qe-report-signature",
            qeSig,
            qeSig
                ? "the QE report's signature verifies with the PCK key"
                : "the QE report's signature does not verify with the PCK key");
    byte[] expected = new byte[64];
    System.arraycopy(sha256(quote.attestationKey(), quote.qeAuthData()), 0, expected, 0, 32);
    boolean bound = Arrays.equals(expected, quote.qeReportData());
    ok &=
        verdict.check(
            "tdx.attestation-key-binding",
            bound,
            bound
                ? "the QE report binds the attestation key (SHA-256 of key and auth data)"
                : "the QE report's REPORTDATA is not SHA-256 of the attestation key and auth data");
    PublicKey attKey = Ecdsa.p256(quote.attestationKey());
    if (attKey == null) {
      verdict.fail("tdx.quote-signature", "the quote's attestation key is not a point on P-256");
      return Optional.empty();
    }
    boolean quoteSig =
        Ecdsa.verifyRaw("SHA256withECDSA", attKey, quote.signedBytes(), quote.signature());
    ok &=
        verdict.check(
            "tdx.quote-signature",
            quoteSig,
            quoteSig
                ? "the quote's signature verifies with its attestation key"
                : "the quote's signature does not verify with its attestation key");
    return ok ? Optional.of(new Result(quote, leaf)) : Optional.empty();
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
