package io.parasol.isolation.snp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.attestation.AttestationVectors;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnpReportTest {

  /** Values from the vector bundle's table (README §1.3), read there with an independent parser. */
  @ParameterizedTest
  @CsvSource({
    "snp/go-sev-guest-milan/attestation.bin, 2, MILAN, 0, 0x0b0000, 0/2/0/5/68, 1.49.3",
    "snp/virtee-sev-milan/report_milan.bin, 2, MILAN, 0, 0x030000, 0/3/0/8/115, 1.52.4",
    "snp/trustee-milan/test-report.bin, 2, MILAN, 0, 0x03001f, 0/3/0/8/115, 1.52.4",
    "snp/trustee-milan/test-vlek-report.bin, 3, MILAN, 1, 0x030000, 0/4/0/24/217, 1.55.29",
    "snp/trustee-genoa-e2e/report.bin, 3, GENOA, 0, 0x030000, 0/10/0/23/25, 1.55.40",
    "snp/oak-cb/report.bin, 3, MILAN, 0, 0x030000, 0/4/0/24/219, 1.55.29",
    "snp/oak-milan_rk_staging/report.bin, 3, MILAN, 0, 0x030000, 0/4/0/24/219, 1.55.29",
    "snp/oak-genoa_oc/report.bin, 5, GENOA, 0, 0x030000, 0/10/0/25/84, 1.55.43",
    "snp/oak-turin_oc/report.bin, 5, TURIN, 0, 0x030000, 0/1/0/2/71, 1.55.61",
  })
  void parsesRealReports(
      String path,
      int version,
      SnpProduct product,
      int vmpl,
      String policy,
      String reportedTcb,
      String firmware)
      throws Exception {
    SnpReport r = SnpReport.parse(AttestationVectors.read(path));
    assertEquals(version, r.version());
    assertEquals(vmpl, r.vmpl());
    assertEquals(Long.decode(policy), r.policy());
    assertEquals(SnpReport.SIG_ALGO_ECDSA_P384_SHA384, r.signatureAlgo());
    assertEquals(firmware, r.currentFirmware());
    if (version >= 3) {
      assertEquals(Optional.of(product), r.product());
    } else {
      assertEquals(Optional.empty(), r.product());
    }
    TcbVersion tcb = SnpReport.tcb(r.reportedTcbRaw(), product);
    assertEquals(
        reportedTcb,
        tcb.fmc()
            + "/"
            + tcb.bootLoader()
            + "/"
            + tcb.tee()
            + "/"
            + tcb.snp()
            + "/"
            + tcb.microcode());
    assertTrue(tcb.reservedZero());
    assertEquals(java.util.List.of(), r.nonZeroReserved());
    assertEquals(0x4A0, r.bytes().length);
    assertEquals(0x2A0, r.signedBytes().length);
  }

  @Test
  void readsDebugPolicySignerAndReportData() throws Exception {
    SnpReport milan =
        SnpReport.parse(AttestationVectors.read("snp/go-sev-guest-milan/attestation.bin"));
    assertTrue(milan.debugAllowed());
    assertEquals(SnpReport.SigningKey.VCEK, milan.signingKey());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOf(milan.reportData(), 5));

    SnpReport vlek =
        SnpReport.parse(AttestationVectors.read("snp/trustee-milan/test-vlek-report.bin"));
    assertFalse(vlek.debugAllowed());
    assertEquals(SnpReport.SigningKey.VLEK, vlek.signingKey());
    assertArrayEquals(new byte[64], vlek.chipId());
  }

  @Test
  void turinTcbOnlyMatchesUnderTheTurinLayout() {
    long raw = 0x4700000002000100L;
    TcbVersion turin = TcbVersion.decode(raw, SnpProduct.TURIN);
    assertEquals("fmc=0 bl=1 tee=0 snp=2 ucode=71", turin.toString());
    TcbVersion asMilan = TcbVersion.decode(raw, SnpProduct.MILAN);
    assertEquals(1, asMilan.tee());
    assertFalse(asMilan.reservedZero());
  }

  @Test
  void signatureIsReadLittleEndian() throws Exception {
    byte[] data = AttestationVectors.read("snp/oak-turin_oc/report.bin");
    SnpReport r = SnpReport.parse(data);
    byte[] rLe = Arrays.copyOfRange(data, 0x2A0, 0x2A0 + 72);
    String hexBe = HexFormat.of().formatHex(reverse(rLe));
    assertEquals(new java.math.BigInteger(hexBe, 16), r.signatureR());
    assertTrue(r.signatureR().bitLength() <= 384);
    assertTrue(r.signatureS().bitLength() <= 384);
  }

  @Test
  void nonZeroReservedBytesAreNamed() throws Exception {
    byte[] data = AttestationVectors.read("snp/oak-genoa_oc/report.bin");
    data[0x250] = 1;
    data[0x04C] = 1;
    assertEquals(
        java.util.List.of("0x04C-0x04F", "0x208-0x29F"), SnpReport.parse(data).nonZeroReserved());
  }

  @Test
  void rejectsShortAndOldReports() {
    var e = assertThrows(MalformedEvidenceException.class, () -> SnpReport.parse(new byte[1183]));
    assertEquals(
        "an SNP attestation report is 1184 bytes, but only 1183 bytes were given", e.getMessage());
    byte[] v1 = new byte[SnpReport.SIZE];
    v1[0] = 1;
    assertThrows(MalformedEvidenceException.class, () -> SnpReport.parse(v1));
  }

  @Test
  void parseCopiesItsInput() throws Exception {
    byte[] data = AttestationVectors.read("snp/oak-cb/report.bin");
    SnpReport r = SnpReport.parse(data);
    byte[] before = r.measurement();
    data[0x90] ^= 1;
    assertArrayEquals(before, r.measurement());
  }

  private static byte[] reverse(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }
}
