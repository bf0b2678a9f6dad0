package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.attestation.proto.Evidence;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every positive real-hardware vector verifies (vectors/VECTORS.md §1.3, §2.2, §3.2, §4). */
class EvidenceVerifierVectorsTest {

  static Stream<Vectors.Case> snp() {
    return Vectors.snpCases().stream();
  }

  static Stream<Vectors.Case> tdx() {
    return Vectors.tdxCases().stream();
  }

  static Stream<Vectors.Case> azure() {
    return Vectors.azureCases().stream();
  }

  static Stream<Vectors.Case> vtpm() {
    return Stream.of(
        Vectors.gce("gce-cos-85-no-nonce"),
        Vectors.gce("gce-cos-85-nonce9009"),
        Vectors.windowsGcp());
  }

  static String describe(Verdict v) {
    return v.checks().stream()
        .map(c -> (c.ok() ? "  ok " : "FAIL ") + c.claim() + ": " + c.detail())
        .collect(Collectors.joining("\n"));
  }

  static void assertValid(Verdict v) {
    assertTrue(v.valid(), () -> "expected valid:\n" + describe(v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snp")
  void snpVectorsVerify(Vectors.Case c) {
    Verdict v =
        EvidenceVerifier.verify(c.evidence(), Vectors.hardwareOnly("snp"), c.nonce(), c.at());
    assertValid(v);
    assertEquals("snp", v.platform());
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().equals("snp.report-signature")));
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().equals("snp.tcb")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tdx")
  void tdxVectorsVerify(Vectors.Case c) {
    Verdict v =
        EvidenceVerifier.verify(c.evidence(), Vectors.hardwareOnly("tdx"), c.nonce(), c.at());
    assertValid(v);
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().equals("tdx.quote-signature")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("azure")
  void azureVectorsVerify(Vectors.Case c) throws Exception {
    Policy p = Policy.parse("{\"platforms\":[\"azure-snp\",\"azure-tdx\"],\"vmpl\":0}");
    Verdict v = EvidenceVerifier.verify(c.evidence(), p, c.nonce(), c.at());
    assertValid(v);
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().equals("binding.report-data")));
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().equals("tpm.quote.sha256.signature")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vtpm")
  void vtpmQuotesAndEventLogsVerify(Vectors.Case c) {
    Verdict v = EvidenceVerifier.verify(c.evidence(), Vectors.vtpmOnly(), c.nonce(), c.at());
    assertValid(v);
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().startsWith("eventlog.replay.")));
  }

  @Test
  void ccelLogReplaysToTheSignedRtmrs() {
    Evidence e = Vectors.ccel("tdx/go-tdx-guest/ccel/ccel_data.dat");
    byte[] quote = Vectors.read("tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat");
    Verdict v = EvidenceVerifier.verify(e, Vectors.hardwareOnly("tdx"), null, Vectors.tdxAt(quote));
    assertValid(v);
    assertTrue(v.checks().stream().anyMatch(k -> k.claim().equals("ccel.replay") && k.ok()));
  }

  @Test
  void anEventLogWithNoQuotedBankIsRejected() {
    Vectors.Case c = Vectors.gce("gce-cos-85-nonce9009");
    // The GCE SHA-384 quote with the Windows VM's legacy log, which has a SHA-1 bank only.
    var e =
        c.evidence().toBuilder()
            .clearTpmQuotes()
            .addTpmQuotes(c.evidence().getTpmQuotes(2))
            .setTcgEventLog(
                com.google.protobuf.ByteString.copyFrom(
                    Vectors.read("tpm-eventlogs/go-eventlog/windows_gcp_shielded_vm.eventlog.bin")))
            .build();
    Verdict v = EvidenceVerifier.verify(e, Vectors.vtpmOnly(), c.nonce(), c.at());
    assertTrue(v.failed("eventlog.replay"), describe(v));
  }

  @Test
  void wrongNonceIsRejected() {
    Vectors.Case c = Vectors.gce("gce-cos-85-nonce9009");
    Verdict v = EvidenceVerifier.verify(c.evidence(), Vectors.vtpmOnly(), new byte[] {1}, c.at());
    assertFalse(v.valid());
    assertTrue(v.failed("tpm.quote.sha1.nonce"), describe(v));
  }
}
