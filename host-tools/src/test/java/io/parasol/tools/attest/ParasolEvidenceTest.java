package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.proto.Evidence;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Parasol's own evidence format: claims, binding, quote, policy (no hardware on this machine). */
class ParasolEvidenceTest {
  private static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");
  private static final byte[] NONCE = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  private final SyntheticEvidence vm;
  private final Evidence evidence;

  ParasolEvidenceTest() throws Exception {
    vm = new SyntheticEvidence();
    evidence = vm.evidence(NONCE, AT.getEpochSecond() - 10);
  }

  private static Policy policy(String json) throws Exception {
    return Policy.parse(json);
  }

  @Test
  void plainKvmEvidenceIsValidWhenThePolicyAllowsUnattestedPlatforms() throws Exception {
    Verdict v = EvidenceVerifier.verify(evidence, policy("{\"platforms\":[\"none\"]}"), NONCE, AT);
    assertTrue(v.valid(), () -> EvidenceVerifierVectorsTest.describe(v));
    assertEquals("none", v.platform());
    for (String claim :
        new String[] {
          "claims.canonical",
          "claims.isolation",
          "tpm.ak-source",
          "tpm.quote.sha256.signature",
          "tpm.quote.sha256.nonce",
          "tpm.quote.sha256.pcr-digest"
        }) {
      assertTrue(v.checks().stream().anyMatch(c -> c.claim().equals(claim) && c.ok()), claim);
    }
  }

  @Test
  void plainKvmEvidenceIsRejectedWhenThePolicyRequiresSnpOrTdx() throws Exception {
    Verdict v =
        EvidenceVerifier.verify(evidence, policy("{\"platforms\":[\"snp\",\"tdx\"]}"), NONCE, AT);
    assertFalse(v.valid());
    assertEquals(
        "the evidence has no hardware report and the policy requires one of snp, tdx", v.reason());
    assertFalse(EvidenceVerifier.verify(evidence, Policy.defaults(), NONCE, AT).valid());
  }

  @Test
  void aQuoteByAnotherKeyThanTheClaimsAkIsRejected() throws Exception {
    SyntheticEvidence other = new SyntheticEvidence();
    Evidence e = evidence.toBuilder().setTpmQuotes(0, other.quote(NONCE)).build();
    Verdict v = EvidenceVerifier.verify(e, policy("{\"platforms\":[\"none\"]}"), NONCE, AT);
    assertEquals("tpm.quote.sha256.signature", v.firstFailure().orElseThrow().claim());
  }

  @Test
  void claimsMustBeCanonicalAndMatchThePlatform() throws Exception {
    String pretty = vm.claims("none").toString().replace(",", ", ");
    Evidence spaced =
        evidence.toBuilder().setRuntimeClaims(ByteString.copyFromUtf8(pretty)).build();
    Verdict v = EvidenceVerifier.verify(spaced, policy("{\"platforms\":[\"none\"]}"), NONCE, AT);
    assertEquals("claims.canonical", v.firstFailure().orElseThrow().claim());

    Evidence snpClaims =
        evidence.toBuilder()
            .setRuntimeClaims(ByteString.copyFrom(vm.claims("snp").toCanonicalJson()))
            .build();
    Verdict w = EvidenceVerifier.verify(snpClaims, policy("{\"platforms\":[\"none\"]}"), NONCE, AT);
    assertEquals(
        "the runtime claims say isolation 'snp' but the evidence is from platform none",
        w.reason());

    Evidence junk =
        evidence.toBuilder().setRuntimeClaims(ByteString.copyFromUtf8("{\"ak\":1}")).build();
    assertEquals(
        "claims.schema",
        EvidenceVerifier.verify(junk, policy("{\"platforms\":[\"none\"]}"), NONCE, AT)
            .firstFailure()
            .orElseThrow()
            .claim());
  }

  @Test
  void aRealSnpReportDoesNotBindClaimsItWasNotMadeFor() throws Exception {
    Vectors.Case snp = Vectors.snpCases().get(5);
    Evidence e =
        snp.evidence().toBuilder()
            .setRuntimeClaims(ByteString.copyFrom(vm.claims("snp").toCanonicalJson()))
            .addTpmQuotes(vm.quote(NONCE))
            .build();
    Verdict v = EvidenceVerifier.verify(e, policy("{\"platforms\":[\"snp\"]}"), NONCE, snp.at());
    assertFalse(v.valid());
    assertEquals("binding.report-data", v.firstFailure().orElseThrow().claim());
    assertTrue(v.reason().contains("is not SHA-512 of the runtime claims"), v.reason());
  }

  @Test
  void policyPcrsAgeAndMeasurementsAreEnforced() throws Exception {
    String pcr0 = HexFormat.of().formatHex(vm.pcrs[0]);
    assertTrue(
        EvidenceVerifier.verify(
                evidence,
                policy(
                    "{\"platforms\":[\"none\"],\"pcrs\":{\"sha256\":{\"0\":[\""
                        + pcr0
                        + "\"]}},\"maxAgeSeconds\":60}"),
                NONCE,
                AT)
            .valid());
    Verdict wrongPcr =
        EvidenceVerifier.verify(
            evidence,
            policy(
                "{\"platforms\":[\"none\"],\"pcrs\":{\"sha256\":{\"0\":\""
                    + "00".repeat(32)
                    + "\"}}}"),
            NONCE,
            AT);
    assertEquals("policy.pcr.sha256.0", wrongPcr.firstFailure().orElseThrow().claim());
    Verdict old =
        EvidenceVerifier.verify(
            evidence, policy("{\"platforms\":[\"none\"],\"maxAgeSeconds\":5}"), NONCE, AT);
    assertEquals(
        "the evidence was produced 10 s before the verification time (policy: at most 5 s)",
        old.reason());

    Vectors.Case snp = Vectors.snpCases().get(1);
    Verdict measurement =
        EvidenceVerifier.verify(
            snp.evidence(),
            policy(
                "{\"platforms\":[\"snp\"],\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,\"measurements\":[\""
                    + "ab".repeat(48)
                    + "\"]}"),
            null,
            snp.at());
    assertEquals("policy.measurement", measurement.firstFailure().orElseThrow().claim());
    Verdict tcb =
        EvidenceVerifier.verify(
            snp.evidence(),
            policy(
                "{\"platforms\":[\"snp\"],\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,\"minTcb\":{\"microcode\":200}}"),
            null,
            snp.at());
    assertEquals("policy.min-tcb", tcb.firstFailure().orElseThrow().claim());
    Verdict vmpl =
        EvidenceVerifier.verify(
            Vectors.snpCases().get(3).evidence(),
            policy(
                "{\"platforms\":[\"snp\"],\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,\"vmpl\":0}"),
            null,
            Vectors.snpCases().get(3).at());
    assertEquals("the report is from VMPL 1, but the policy requires VMPL 0", vmpl.reason());
    Vectors.Case debug = Vectors.snpCases().get(0);
    Verdict debugVerdict =
        EvidenceVerifier.verify(
            debug.evidence(),
            policy(
                "{\"platforms\":[\"snp\"],\"requireRuntimeClaims\":false,\"requireTpmQuote\":false}"),
            null,
            debug.at());
    assertEquals(
        "the guest is debuggable by the host and the policy forbids debug", debugVerdict.reason());
  }

  @Test
  void expiredCertificatesFailAtTheGivenTime() {
    Vectors.Case snp = Vectors.snpCases().get(3); // the AWS VLEK, valid for one year
    Verdict v =
        EvidenceVerifier.verify(
            snp.evidence(),
            Vectors.hardwareOnly("snp"),
            null,
            Instant.parse("2030-01-01T00:00:00Z"));
    assertEquals("snp.validity.SEV-VLEK", v.firstFailure().orElseThrow().claim());
  }

  @Test
  void policyErrorsNameTheKey() {
    for (String[] c :
        new String[][] {
          {"{\"platform\":[]}", "the policy has an unknown key 'platform'"},
          {
            "{\"platforms\":[\"sgx\"]}",
            "the policy's platform 'sgx' is not one of [snp, tdx, azure-snp, azure-tdx, none]"
          },
          {"{\"measurements\":[\"00\"]}", "the policy's measurements value 00 is not 48 bytes"},
          {"{\"minTcb\":{\"ucode\":1}}", "the policy's minTcb has an unknown key 'ucode'"},
          {"[]", "the policy is not a JSON object"},
        }) {
      Policy.PolicyException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              Policy.PolicyException.class, () -> Policy.parse(c[0]));
      assertEquals(c[1], e.getMessage());
    }
  }

  @Test
  void evidenceJsonRoundTrips() throws Exception {
    var json = EvidenceJson.toJson(evidence);
    assertTrue(json.has("runtimeClaims") && json.has("tpmQuotes") && json.has("none"));
    assertEquals(evidence, EvidenceJson.fromJson(json));
    for (Vectors.Case c : Vectors.azureCases()) {
      assertEquals(c.evidence(), EvidenceJson.fromJson(EvidenceJson.toJson(c.evidence())));
    }
    var bad = json.deepCopy();
    bad.addProperty("runtimeClaim", "x");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.parasol.isolation.attestation.MalformedEvidenceException.class,
            () -> EvidenceJson.fromJson(bad));
    assertEquals("the JSON evidence has an unknown field 'runtimeClaim'", e.getMessage());
    assertTrue(
        new String(vm.claims("none").toCanonicalJson(), StandardCharsets.UTF_8)
            .startsWith("{\"ak\":{"));
  }
}
