package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.parasol.isolation.attestation.proto.Evidence;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every case of vectors/negative/MANIFEST.json is rejected, and for the reason the manifest gives
 * (the failed claims named here are the verifier's names for those reasons).
 */
class NegativeVectorsTest {
  /** A negative case: evidence, policy, and the claims that must fail. */
  record Negative(
      Evidence evidence, Policy policy, Instant at, byte[] nonce, List<String> mustFail) {}

  private static final String VIRTEE_VCEK = "snp/virtee-sev-milan/vcek_milan.der";
  private static final String VIRTEE_REPORT = "snp/virtee-sev-milan/report_milan.bin";

  static Map<String, Negative> cases() throws Exception {
    Map<String, Negative> m = new LinkedHashMap<>();
    Policy snp = Vectors.hardwareOnly("snp");
    Policy tdx = Vectors.hardwareOnly("tdx");
    Policy azure = Policy.parse("{\"platforms\":[\"azure-snp\",\"azure-tdx\"]}");
    Instant virteeAt = Vectors.atFor(Vectors.read(VIRTEE_VCEK));
    for (String f :
        List.of(
            "negative/snp_report_data_bitflip.bin",
            "negative/snp_report_byte21_flip.bin",
            "negative/snp_sig_r_flip.bin")) {
      m.put(
          f,
          new Negative(
              Vectors.snp(Vectors.read(f), Vectors.read(VIRTEE_VCEK)),
              snp,
              virteeAt,
              null,
              List.of("snp.report-signature")));
    }
    byte[] trusteeVcek = Vectors.read("snp/trustee-milan/test-vcek.der");
    Instant trusteeAt = Vectors.atFor(trusteeVcek);
    m.put(
        "negative/snp_reported_tcb_bumped.bin",
        new Negative(
            Vectors.snp(Vectors.read("negative/snp_reported_tcb_bumped.bin"), trusteeVcek),
            snp,
            trusteeAt,
            null,
            List.of("snp.report-signature", "snp.tcb")));
    m.put(
        "negative/vcek_milan_tbs_byte40_flip.der",
        new Negative(
            Vectors.snp(
                Vectors.read(VIRTEE_REPORT),
                Vectors.read("negative/vcek_milan_tbs_byte40_flip.der")),
            snp,
            virteeAt,
            null,
            List.of("snp.vcek-signature")));
    m.put(
        "(pair) snp/virtee-sev-milan/report_milan.bin + snp/trustee-milan/test-vcek.der",
        new Negative(
            Vectors.snp(Vectors.read(VIRTEE_REPORT), trusteeVcek),
            snp,
            trusteeAt,
            null,
            // The manifest also says "TCB mismatch", but both chips report bl=3 tee=0 snp=8
            // ucode=115 (VECTORS.md §1.3), so the TCB check rightly holds here.
            List.of("snp.report-signature", "snp.chip-id")));
    List<byte[]> genoaChain =
        new ArrayList<>(
            List.of(
                Vectors.read(VIRTEE_VCEK),
                Vectors.read("snp/trustee-milan/genoa_ask_ark_asvk.pem")));
    m.put(
        "(pair) snp/virtee-sev-milan/vcek_milan.der + Genoa ASK/ARK",
        new Negative(
            Vectors.snp(Vectors.read(VIRTEE_REPORT), genoaChain.toArray(byte[][]::new)),
            snp,
            virteeAt,
            null,
            List.of("snp.chain")));
    Instant quote4At = Vectors.tdxAt(Vectors.read("tdx/trustee/tdx_quote_4.dat"));
    m.put(
        "negative/tdx_quote_reportdata_flip.dat",
        new Negative(
            Vectors.tdx(Vectors.read("negative/tdx_quote_reportdata_flip.dat")),
            tdx,
            quote4At,
            null,
            List.of("tdx.quote-signature")));
    m.put(
        "negative/tdx_quote_qereport_flip.dat",
        new Negative(
            Vectors.tdx(Vectors.read("negative/tdx_quote_qereport_flip.dat")),
            tdx,
            quote4At,
            null,
            List.of("tdx.qe-report-signature")));
    m.put(
        "negative/tdx_quote_attkey_flip.dat",
        new Negative(
            Vectors.tdx(Vectors.read("negative/tdx_quote_attkey_flip.dat")),
            tdx,
            quote4At,
            null,
            List.of("tdx.attestation-key-binding", "tdx.quote-signature")));
    String az = "azure/trustee-az-snp-vtpm/";
    byte[] azVcek = Vectors.read(az + "vcek.pem");
    Instant azAt = Vectors.atFor(azVcek);
    var azQuote = Vectors.bincodeQuote(Vectors.read(az + "quote.bin"));
    m.put(
        "negative/az_hcl_vardata_tampered.bin",
        new Negative(
            Vectors.azure(
                Vectors.read("negative/az_hcl_vardata_tampered.bin"), null, azQuote, azVcek),
            azure,
            azAt,
            null,
            List.of("binding.report-data")));
    m.put(
        "negative/az_hcl_snp_tcb_zeroed.bin",
        new Negative(
            Vectors.azure(
                Vectors.read("negative/az_hcl_snp_tcb_zeroed.bin"), null, azQuote, azVcek),
            azure,
            azAt,
            null,
            List.of("snp.report-signature", "snp.tcb")));
    byte[] hcl = Vectors.read(az + "hcl-report.bin");
    m.put(
        "negative/az_tpm_quote_sig_flip.bin",
        new Negative(
            Vectors.azure(
                hcl,
                null,
                Vectors.bincodeQuote(Vectors.read("negative/az_tpm_quote_sig_flip.bin")),
                azVcek),
            azure,
            azAt,
            null,
            List.of("tpm.quote.sha256.signature")));
    m.put(
        "negative/az_tpm_quote_pcr0_flip.bin",
        new Negative(
            Vectors.azure(
                hcl,
                null,
                Vectors.bincodeQuote(Vectors.read("negative/az_tpm_quote_pcr0_flip.bin")),
                azVcek),
            azure,
            azAt,
            null,
            List.of("tpm.quote.sha256.pcr-digest")));
    String kin = "azure/kinvolk-azure-cvm-tooling/";
    byte[] kinCerts = Vectors.read(kin + "certs.pem");
    m.put(
        "(pair) azure/kinvolk-azure-cvm-tooling/hcl-report-snp.bin + certs.pem",
        new Negative(
            Vectors.azure(Vectors.read(kin + "hcl-report-snp.bin"), null, null, kinCerts),
            Policy.parse("{\"platforms\":[\"azure-snp\"],\"requireTpmQuote\":false}"),
            Vectors.atFor(kinCerts),
            null,
            List.of("snp.report-signature")));
    byte[] trusteeReport = Vectors.read("snp/trustee-milan/test-report.bin");
    for (String bad : List.of("test-vcek-invalid-legacy.der", "test-vcek-invalid-new.der")) {
      m.put(
          "snp/trustee-milan/" + bad,
          new Negative(
              Vectors.snp(trusteeReport, Vectors.read("snp/trustee-milan/" + bad)),
              snp,
              trusteeAt,
              null,
              List.of("snp.vcek-signature", "snp.chip-id", "snp.tcb")));
    }
    byte[] cos = Vectors.read("tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat");
    m.put(
        "tpm-eventlogs/go-eventlog/cos-113-intel-tdx-dupe-separator.bin",
        new Negative(
            Vectors.ccel("tpm-eventlogs/go-eventlog/cos-113-intel-tdx-dupe-separator.bin"),
            tdx,
            Vectors.tdxAt(cos),
            null,
            List.of("ccel.replay")));
    return m;
  }

  @Test
  void everyManifestCaseIsRejectedForItsReason() throws Exception {
    JsonElement manifest =
        JsonParser.parseString(
            new String(Vectors.read("negative/MANIFEST.json"), StandardCharsets.UTF_8));
    Map<String, Negative> cases = cases();
    int checked = 0;
    for (JsonElement entry : manifest.getAsJsonArray()) {
      String file = entry.getAsJsonObject().get("file").getAsString();
      if (file.equals("tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat")) {
        // The manifest's one "decide" case: a valid quote with bytes after its signature data.
        // Parasol honours sig_data_len, so it verifies (EvidenceVerifierVectorsTest).
        continue;
      }
      List<String> keys =
          file.startsWith("snp/trustee-milan/test-vcek-invalid")
              ? List.of(
                  "snp/trustee-milan/test-vcek-invalid-legacy.der",
                  "snp/trustee-milan/test-vcek-invalid-new.der")
              : List.of(file);
      for (String key : keys) {
        Negative n = cases.get(key);
        assertTrue(n != null, "no negative case for manifest entry " + key);
        Verdict v = EvidenceVerifier.verify(n.evidence(), n.policy(), n.nonce(), n.at());
        assertFalse(v.valid(), key + " was accepted:\n" + EvidenceVerifierVectorsTest.describe(v));
        for (String claim : n.mustFail()) {
          assertTrue(
              v.failed(claim),
              key
                  + ": expected "
                  + claim
                  + " to fail:\n"
                  + EvidenceVerifierVectorsTest.describe(v));
        }
        assertEquals(
            n.mustFail().getFirst(),
            v.firstFailure().orElseThrow().claim(),
            key + ": first failure:\n" + EvidenceVerifierVectorsTest.describe(v));
        checked++;
      }
    }
    assertEquals(cases.size(), checked, "every case built here is in the manifest");
  }

  @Test
  void dupeSeparatorFailsRtmr0And1Only() throws Exception {
    Negative n = cases().get("tpm-eventlogs/go-eventlog/cos-113-intel-tdx-dupe-separator.bin");
    Verdict v = EvidenceVerifier.verify(n.evidence(), n.policy(), null, n.at());
    assertEquals("the CCEL log does not replay to the quote's RTMR0, RTMR1", v.reason());
  }
}
