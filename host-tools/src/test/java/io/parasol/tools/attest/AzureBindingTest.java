package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.tdx.TdReport;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The Azure vectors that are not whole evidence (VECTORS.md §3.2): HCL reports paired with no TD
 * quote, whose binding alone can be checked, and a TPM quote paired with an AK but no HCL report.
 */
class AzureBindingTest {
  @Test
  void tdxHclReportsBindTheirVariableData() throws Exception {
    for (String f :
        new String[] {
          "azure/kinvolk-azure-cvm-tooling/hcl-report-tdx.bin",
          // A TDX report despite its name (VECTORS.md §3.2).
          "azure/azure-cvm-attestation-tools/snp_hcl_report.bin"
        }) {
      AzureHclReport hcl = AzureHclReport.parse(Vectors.read(f));
      assertEquals(AzureHclReport.REPORT_TYPE_TDX, hcl.reportType(), f);
      assertArrayEquals(hcl.expectedReportData(), TdReport.parse(hcl.hwReport()).reportData(), f);
      byte[] tampered = Vectors.read(f);
      tampered[0x4D4 + 10] ^= 1;
      AzureHclReport bad = AzureHclReport.parse(tampered);
      assertTrue(
          !java.util.Arrays.equals(
              bad.expectedReportData(), TdReport.parse(bad.hwReport()).reportData()),
          f);
    }
  }

  @Test
  void kinvolkQuoteVerifiesWithItsAk() throws Exception {
    String pem =
        new String(
            Vectors.read("azure/kinvolk-azure-cvm-tooling/akpub.pem"),
            java.nio.charset.StandardCharsets.US_ASCII);
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PublicKey ak =
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    var quote = Vectors.bincodeQuote(Vectors.read("azure/kinvolk-azure-cvm-tooling/quote.bin"));
    Verdict v = new Verdict();
    assertTrue(
        TpmQuoteVerifier.verify("tpm.quote", quote, ak, null, v).isPresent(), () -> v.reason());
    var other = Vectors.bincodeQuote(Vectors.read("azure/trustee-az-snp-vtpm/quote.bin"));
    Verdict w = new Verdict();
    TpmQuoteVerifier.verify("tpm.quote", other, ak, null, w);
    assertEquals("the TPM quote's signature does not verify with the attestation key", w.reason());
  }
}
