package io.parasol.tools.attest;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.proto.AzureHclEvidence;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.NoHardwareEvidence;
import io.parasol.isolation.attestation.proto.SnpEvidence;
import io.parasol.isolation.attestation.proto.TdxEvidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The real-hardware vectors in test resources (vectors/README.md), each turned into Parasol {@link
 * Evidence}: the verifier sees them exactly as it would see a guest's evidence.
 */
final class Vectors {
  private Vectors() {}

  /**
   * A positive vector: its evidence, the nonce its TPM quotes carry (or null), and a verification
   * time inside every certificate's validity.
   */
  record Case(String name, Evidence evidence, byte[] nonce, Instant at) {
    @Override
    public String toString() {
      return name;
    }
  }

  static byte[] read(String path) {
    try (InputStream in =
        Vectors.class.getResourceAsStream("/io/parasol/tools/attest/vectors/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no vector " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A policy for bare hardware vectors: no claims or TPM quote, debug allowed. */
  static Policy hardwareOnly(String... platforms) {
    try {
      return Policy.parse(
          "{\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,\"allowDebug\":true"
              + (platforms.length == 0
                  ? ""
                  : ",\"platforms\":[\"" + String.join("\",\"", platforms) + "\"]")
              + "}");
    } catch (Policy.PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One day after the leaf certificate's notBefore: inside every vector's chain. */
  static Instant atFor(byte[] leafCert) {
    try {
      X509Certificate c = Certificates.parse(leafCert).getFirst();
      return c.getNotBefore().toInstant().plus(1, ChronoUnit.DAYS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Evidence snp(byte[] report, byte[]... certs) {
    SnpEvidence.Builder b = SnpEvidence.newBuilder().setReport(ByteString.copyFrom(report));
    for (byte[] c : certs) {
      b.addCertificates(ByteString.copyFrom(c));
    }
    return Evidence.newBuilder().setFormatVersion(1).setSnp(b).build();
  }

  static Case snpCase(String name, String report, String vcek) {
    byte[] cert = read(vcek);
    return new Case(name, snp(read(report), cert), null, atFor(cert));
  }

  static List<Case> snpCases() {
    List<Case> cases = new ArrayList<>();
    cases.add(
        snpCase(
            "go-sev-guest Milan v2",
            "snp/go-sev-guest-milan/attestation.bin",
            "snp/go-sev-guest-milan/vcek.testcer"));
    cases.add(
        snpCase(
            "virtee Milan v2",
            "snp/virtee-sev-milan/report_milan.bin",
            "snp/virtee-sev-milan/vcek_milan.der"));
    cases.add(
        snpCase(
            "trustee Milan v2",
            "snp/trustee-milan/test-report.bin",
            "snp/trustee-milan/test-vcek.der"));
    cases.add(
        snpCase(
            "trustee AWS VLEK v3",
            "snp/trustee-milan/test-vlek-report.bin",
            "snp/trustee-milan/test-vlek.der"));
    cases.add(
        snpCase(
            "trustee Genoa v3",
            "snp/trustee-genoa-e2e/report.bin",
            "snp/trustee-genoa-e2e/vcek.der"));
    for (String oak :
        List.of(
            "oak-cb",
            "oak-milan_oc_release",
            "oak-milan_oc_staging",
            "oak-milan_rk_release",
            "oak-milan_rk_staging",
            "oak-genoa_oc",
            "oak-turin_oc")) {
      cases.add(snpCase(oak, "snp/" + oak + "/report.bin", "snp/" + oak + "/vcek.der"));
    }
    return cases;
  }

  static Evidence tdx(byte[] quote) {
    return Evidence.newBuilder()
        .setFormatVersion(1)
        .setTdx(TdxEvidence.newBuilder().setQuote(ByteString.copyFrom(quote)))
        .build();
  }

  /** The PCK leaf of a quote, for its validity. */
  static Instant tdxAt(byte[] quote) {
    try {
      byte[] pem = io.parasol.isolation.tdx.TdxQuote.parse(quote).certificationData();
      return atFor(pem);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Case> tdxCases() {
    List<Case> cases = new ArrayList<>();
    for (String q :
        List.of(
            "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat",
            "tdx/go-tdx-guest/quote_v5_sample.dat",
            "tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat",
            "tdx/trustee/tdx_quote_4.dat",
            "tdx/trustee/tdx_quote_5.dat",
            "tdx/trustee/tdx_quote_6.dat",
            "tdx/oak-tdx_oc/quote.bin",
            "azure/trustee-az-tdx-vtpm/td-quote.bin",
            "azure/azure-cvm-attestation-tools/td_quote_v4.dat",
            "azure/azure-cvm-attestation-tools/td_quote_v5.dat")) {
      byte[] quote = read(q);
      cases.add(new Case(q, tdx(quote), null, tdxAt(quote)));
    }
    return cases;
  }

  /** The cos-113 quote with the CCEL log whose replay its RTMR0-2 are. */
  static Evidence ccel(String log) {
    byte[] quote = read("tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat");
    return tdx(quote).toBuilder().setCcelEventLog(ByteString.copyFrom(read(log))).build();
  }

  /** PCR values from a "index hex" text file. */
  static TpmQuote.Builder pcrs(TpmQuote.Builder q, String text) {
    for (String line : text.strip().split("\n")) {
      String[] f = line.strip().split("\\s+");
      q.putPcrs(Integer.parseInt(f[0]), ByteString.copyFrom(HexFormat.of().parseHex(f[1])));
    }
    return q;
  }

  /** A quote from the Azure split files: TPMS_ATTEST, a raw RSASSA-SHA256 signature, PCRs. */
  static TpmQuote azureQuote(byte[] msg, byte[] rawSig, String pcrText) {
    TpmQuote.Builder q =
        TpmQuote.newBuilder()
            .setAttest(ByteString.copyFrom(msg))
            .setSignature(
                ByteString.copyFrom(
                    TpmStructures.rsassaSignature(TpmStructures.ALG_SHA256, rawSig)))
            .setHashAlg(TpmStructures.ALG_SHA256);
    return pcrs(q, pcrText).build();
  }

  /** A quote from trustee's bincode quote.bin: u64 length + signature, message, then PCRs. */
  static TpmQuote bincodeQuote(byte[] bin) {
    ByteBuffer b = ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN);
    byte[] sig = new byte[(int) b.getLong()];
    b.get(sig);
    byte[] msg = new byte[(int) b.getLong()];
    b.get(msg);
    long count = b.getLong();
    TpmQuote.Builder q =
        TpmQuote.newBuilder()
            .setAttest(ByteString.copyFrom(msg))
            .setSignature(
                ByteString.copyFrom(TpmStructures.rsassaSignature(TpmStructures.ALG_SHA256, sig)))
            .setHashAlg(TpmStructures.ALG_SHA256);
    for (int i = 0; i < count; i++) {
      byte[] pcr = new byte[32];
      b.get(pcr);
      q.putPcrs(i, ByteString.copyFrom(pcr));
    }
    return q.build();
  }

  static Evidence azure(byte[] hcl, byte[] tdQuote, TpmQuote quote, byte[]... certs) {
    AzureHclEvidence.Builder a =
        AzureHclEvidence.newBuilder().setHclReport(ByteString.copyFrom(hcl));
    if (tdQuote != null) {
      a.setTdQuote(ByteString.copyFrom(tdQuote));
    }
    for (byte[] c : certs) {
      a.addCertificates(ByteString.copyFrom(c));
    }
    Evidence.Builder e = Evidence.newBuilder().setFormatVersion(1).setAzureHcl(a);
    if (quote != null) {
      e.addTpmQuotes(quote);
    }
    return e.build();
  }

  static byte[] nonceOf(TpmQuote q) {
    return TpmQuoteVerifier.nonceOf(q);
  }

  static List<Case> azureCases() {
    List<Case> cases = new ArrayList<>();
    String snpDir = "azure/trustee-az-snp-vtpm/";
    for (String v : List.of("v0", "v1", "v2", "genoa")) {
      String d = snpDir + "extracted-evidence-" + v + "/";
      byte[] vcek = v.equals("v1") || v.equals("v2") ? read(d + "vcek.der") : read(d + "vcek.pem");
      TpmQuote q =
          azureQuote(
              read(d + "tpm-quote.msg"),
              read(d + "tpm-quote.sig"),
              new String(read(d + "pcrs-sha256.txt"), StandardCharsets.US_ASCII));
      cases.add(
          new Case(
              "azure SNP evidence-" + v,
              azure(read(d + "hcl-report.bin"), null, q, vcek),
              nonceOf(q),
              atFor(vcek)));
    }
    byte[] vcek = read(snpDir + "vcek.pem");
    TpmQuote q = bincodeQuote(read(snpDir + "quote.bin"));
    cases.add(
        new Case(
            "azure SNP hcl-report.bin + quote.bin",
            azure(read(snpDir + "hcl-report.bin"), null, q, vcek),
            nonceOf(q),
            atFor(vcek)));
    String tdxDir = "azure/trustee-az-tdx-vtpm/";
    for (String v : List.of("v0", "v1")) {
      String d = tdxDir + "extracted-evidence-" + v + "/";
      byte[] td = read(d + "td-quote.bin");
      TpmQuote tq =
          azureQuote(
              read(d + "tpm-quote.msg"),
              read(d + "tpm-quote.sig"),
              new String(read(d + "pcrs-sha256.txt"), StandardCharsets.US_ASCII));
      cases.add(
          new Case(
              "azure TDX evidence-" + v,
              azure(read(d + "hcl-report.bin"), td, tq),
              nonceOf(tq),
              tdxAt(td)));
    }
    byte[] td = read(tdxDir + "td-quote.bin");
    TpmQuote tq = bincodeQuote(read(tdxDir + "quote.bin"));
    cases.add(
        new Case(
            "azure TDX hcl-report.bin + td-quote.bin + quote.bin",
            azure(read(tdxDir + "hcl-report.bin"), td, tq),
            nonceOf(tq),
            tdxAt(td)));
    return cases;
  }

  /** A GCE vTPM attestation: three signed quotes, the AK and its certificate, the event log. */
  static Case gce(String name) {
    String d = "tpm-eventlogs/go-tpm-tools/attestations/" + name + "_extracted/";
    Evidence.Builder e =
        Evidence.newBuilder()
            .setFormatVersion(1)
            .setNone(NoHardwareEvidence.newBuilder().setReason("a GCE Shielded VM vTPM"))
            .setAkTpmtPublic(ByteString.copyFrom(read(d + "ak_pub.tpmt_public")))
            .addAkCertificates(ByteString.copyFrom(read(d + "cert0.der")))
            .setTcgEventLog(ByteString.copyFrom(read(d + "eventlog.bin")));
    int[] algs = {TpmStructures.ALG_SHA1, TpmStructures.ALG_SHA256, TpmStructures.ALG_SHA384};
    String[] names = {"quote0_sha1", "quote1_sha256", "quote2_sha384"};
    TpmQuote first = null;
    for (int i = 0; i < 3; i++) {
      TpmQuote.Builder q =
          TpmQuote.newBuilder()
              .setAttest(ByteString.copyFrom(read(d + names[i] + ".attest")))
              .setSignature(ByteString.copyFrom(read(d + names[i] + ".tpmt_signature")))
              .setHashAlg(algs[i]);
      TpmQuote built =
          pcrs(q, new String(read(d + names[i] + "_pcrs.txt"), StandardCharsets.US_ASCII)).build();
      first = first == null ? built : first;
      e.addTpmQuotes(built);
    }
    return new Case("GCE " + name, e.build(), nonceOf(first), atFor(read(d + "cert0.der")));
  }

  /** go-eventlog's Windows GCP Shielded VM: a SHA-1-scheme quote, its PCRs and the legacy log. */
  static Case windowsGcp() {
    JsonObject j =
        JsonParser.parseString(
                new String(
                    read("tpm-eventlogs/go-eventlog/windows_gcp_shielded_vm.json"),
                    StandardCharsets.UTF_8))
            .getAsJsonObject();
    Base64.Decoder b64 = Base64.getDecoder();
    JsonObject quote = j.getAsJsonObject("Quote");
    TpmQuote.Builder q =
        TpmQuote.newBuilder()
            .setAttest(ByteString.copyFrom(b64.decode(quote.get("Quote").getAsString())))
            .setSignature(ByteString.copyFrom(b64.decode(quote.get("Signature").getAsString())))
            .setHashAlg(TpmStructures.ALG_SHA1);
    for (var p : j.getAsJsonObject("Log").getAsJsonArray("PCRs")) {
      JsonObject o = p.getAsJsonObject();
      q.putPcrs(
          o.get("Index").getAsInt(),
          ByteString.copyFrom(b64.decode(o.get("Digest").getAsString())));
    }
    TpmQuote built = q.build();
    Evidence e =
        Evidence.newBuilder()
            .setFormatVersion(1)
            .setNone(NoHardwareEvidence.newBuilder().setReason("a GCE Shielded VM vTPM (Windows)"))
            .setAkTpmtPublic(
                ByteString.copyFrom(
                    b64.decode(j.getAsJsonObject("AK").get("Public").getAsString())))
            .addTpmQuotes(built)
            .setTcgEventLog(
                ByteString.copyFrom(
                    read("tpm-eventlogs/go-eventlog/windows_gcp_shielded_vm.eventlog.bin")))
            .build();
    return new Case(
        "Windows GCP Shielded VM", e, nonceOf(built), Instant.parse("2024-01-01T00:00:00Z"));
  }

  /** A policy for vTPM-only vectors (GCE): no hardware, no claims. */
  static Policy vtpmOnly() {
    try {
      return Policy.parse("{\"platforms\":[\"none\"],\"requireRuntimeClaims\":false}");
    } catch (Policy.PolicyException e) {
      throw new IllegalStateException(e);
    }
  }
}
