package io.parasol.isolation.tdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.attestation.AttestationVectors;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TdxQuoteTest {

  /** File sizes and versions from the vector bundle's table (README §2.2). */
  @ParameterizedTest
  @CsvSource({
    "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat, 4, false, 4974, 39, false",
    "tdx/go-tdx-guest/quote_v5_sample.dat, 5, true, 5006, 0, false",
    "tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat, 4, false, 8000, 3065, false",
    "tdx/trustee/tdx_quote_4.dat, 4, false, 4936, 0, true",
    "tdx/trustee/tdx_quote_5.dat, 5, true, 5006, 0, false",
    "tdx/trustee/tdx_quote_6.dat, 4, false, 5006, 70, false",
    "tdx/oak-tdx_oc/quote.bin, 4, false, 8000, 3065, false",
    "azure/azure-cvm-attestation-tools/td_quote_v4.dat, 4, false, 5006, 70, false",
    "azure/azure-cvm-attestation-tools/td_quote_v5.dat, 5, true, 5006, 0, false",
  })
  void parsesRealQuotesByTheirLengthFields(
      String path, int version, boolean td15, int fileBytes, int trailing, boolean debug)
      throws Exception {
    byte[] data = AttestationVectors.read(path);
    assertEquals(fileBytes, data.length);
    TdxQuote q = TdxQuote.parse(data);
    assertEquals(version, q.version());
    assertEquals(td15, q.isTd15());
    assertEquals(fileBytes - trailing, q.length());
    assertEquals("939a7233f79c4ca9940a0db3957f0607", HexFormat.of().formatHex(q.qeVendorId()));
    assertEquals(TdxQuote.CERT_TYPE_PCK_CHAIN, q.certificationType());
    String pem = new String(q.certificationData(), StandardCharsets.US_ASCII);
    assertEquals(3, pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1);
    assertEquals(td15 ? 0x2BE : 0x278, q.signedBytes().length);
    assertEquals(td15 ? 16 : 0, q.teeTcbSvn2().length);
    assertEquals(debug, q.debug());
  }

  @Test
  void bodyFieldsSitAtTheDocumentedOffsets() throws Exception {
    byte[] v4 = AttestationVectors.read("tdx/trustee/tdx_quote_4.dat");
    TdxQuote q4 = TdxQuote.parse(v4);
    assertArrayEquals(Arrays.copyOfRange(v4, 0x0B8, 0x0B8 + 48), q4.mrTd());
    assertArrayEquals(Arrays.copyOfRange(v4, 0x178, 0x178 + 48), q4.rtmr(0));
    assertArrayEquals(Arrays.copyOfRange(v4, 0x208, 0x208 + 48), q4.rtmr(3));
    assertArrayEquals(Arrays.copyOfRange(v4, 0x238, 0x238 + 64), q4.reportData());

    byte[] v5 = AttestationVectors.read("tdx/trustee/tdx_quote_5.dat");
    TdxQuote q5 = TdxQuote.parse(v5);
    assertArrayEquals(Arrays.copyOfRange(v5, 0x0BE, 0x0BE + 48), q5.mrTd());
    assertArrayEquals(Arrays.copyOfRange(v5, 0x17E, 0x17E + 48), q5.rtmr(0));
    assertArrayEquals(Arrays.copyOfRange(v5, 0x23E, 0x23E + 64), q5.reportData());
    // The attestation key follows the signed region, sig_data_len and the 64-byte signature.
    assertArrayEquals(Arrays.copyOfRange(v5, 0x2BE + 4 + 64, 0x2BE + 4 + 128), q5.attestationKey());
  }

  @Test
  void rejectsLengthsPastTheEnd() throws Exception {
    byte[] data = AttestationVectors.read("tdx/trustee/tdx_quote_4.dat");
    var truncated =
        assertThrows(
            MalformedEvidenceException.class,
            () -> TdxQuote.parse(Arrays.copyOf(data, data.length - 1)));
    assertTrue(truncated.getMessage().startsWith("the TDX quote says its signature data is"));

    byte[] bigCert = data.clone();
    ByteBuffer.wrap(bigCert).order(ByteOrder.LITTLE_ENDIAN).putInt(0x278 + 4 + 128 + 2, 0x7fffffff);
    assertThrows(MalformedEvidenceException.class, () -> TdxQuote.parse(bigCert));

    byte[] v3 = data.clone();
    v3[0] = 3;
    var version = assertThrows(MalformedEvidenceException.class, () -> TdxQuote.parse(v3));
    assertEquals(
        "the TDX quote has version 3; versions 4 and 5 are supported", version.getMessage());
    assertThrows(MalformedEvidenceException.class, () -> TdxQuote.parse(new byte[10]));
  }

  @Test
  void everyTruncationIsRejectedNotCrashed() throws Exception {
    byte[] data = AttestationVectors.read("tdx/trustee/tdx_quote_5.dat");
    int length = TdxQuote.parse(data).length();
    for (int cut = 0; cut < length; cut += 7) {
      byte[] shorter = Arrays.copyOf(data, cut);
      assertThrows(MalformedEvidenceException.class, () -> TdxQuote.parse(shorter));
    }
  }

  @Test
  void tdReportFieldsFromTheRawReport() throws Exception {
    byte[] data =
        AttestationVectors.read("azure/trustee-az-tdx-vtpm/extracted-evidence-v0/hw-report.bin");
    TdReport r = TdReport.parse(data);
    assertArrayEquals(Arrays.copyOfRange(data, 528, 576), r.mrTd());
    assertArrayEquals(Arrays.copyOfRange(data, 128, 192), r.reportData());
    assertThrows(MalformedEvidenceException.class, () -> TdReport.parse(new byte[1000]));
    assertThrows(MalformedEvidenceException.class, () -> TdReport.parse(new byte[1024]));
  }
}
