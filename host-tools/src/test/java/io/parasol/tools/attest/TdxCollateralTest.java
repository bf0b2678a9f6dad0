package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.proto.Evidence;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Intel PCS collateral with real quotes. Expected levels come from an independent reading of the
 * same files (Python, the PCK SGX extension and Intel's level order): trustee's quote 4 is UpToDate
 * under go-tdx-guest's sample TCB info (FMSPC 50806f000000), trustee's quote 6 OutOfDate under
 * trustee's TCB info (00a06d080000); both QEs (ISVSVN 4 and 7) are UpToDate.
 */
class TdxCollateralTest {
  private static Evidence withCollateral(String quote, String tcbInfo, String qeIdentity) {
    Evidence e = Vectors.tdx(Vectors.read(quote));
    return e.toBuilder()
        .setTdx(
            e.getTdx().toBuilder()
                .setTcbInfo(ByteString.copyFrom(Vectors.read(tcbInfo)))
                .setQeIdentity(ByteString.copyFrom(Vectors.read(qeIdentity)))
                .setCollateralIssuerChain(
                    ByteString.copyFrom(Vectors.read("tdx/go-tdx-guest/tcbInfoIssuerChain.pem"))))
        .build();
  }

  private static Check claim(Verdict v, String name) {
    return v.checks().stream()
        .filter(c -> c.claim().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError("no " + name + ":\n" + EvidenceVerifierVectorsTest.describe(v)));
  }

  @Test
  void upToDatePlatformAndQe() throws Exception {
    Evidence e =
        withCollateral(
            "tdx/trustee/tdx_quote_4.dat",
            "tdx/go-tdx-guest/sample_tcbInfo_response",
            "tdx/go-tdx-guest/sample_qeIdentity_response");
    Instant at = Vectors.tdxAt(Vectors.read("tdx/trustee/tdx_quote_4.dat"));
    Verdict v = EvidenceVerifier.verify(e, Vectors.hardwareOnly("tdx"), null, at);
    for (String ok :
        new String[] {
          "tdx.tcb-info-signature",
          "tdx.tcb-info-fmspc",
          "tdx.tcb-status",
          "tdx.qe-identity-signature",
          "tdx.qe-identity",
          "tdx.qe-tcb-status"
        }) {
      assertTrue(claim(v, ok).ok(), () -> ok + ":\n" + EvidenceVerifierVectorsTest.describe(v));
    }
    assertEquals(
        "the platform's TCB level is UpToDate, which the policy accepts",
        claim(v, "tdx.tcb-status").detail());
    // The sample documents were current in June 2023; the TCB Signing certificate expired in 2025.
    assertTrue(!claim(v, "tdx.tcb-info-current").ok() || !claim(v, "tdx.collateral-chain").ok());
  }

  @Test
  void outOfDatePlatformIsRejectedUnlessThePolicyAcceptsIt() throws Exception {
    Evidence e =
        withCollateral(
            "tdx/trustee/tdx_quote_6.dat",
            "tdx/trustee/tcbInfo.json",
            "tdx/trustee/enclaveIdentity.json");
    Instant at = Instant.parse("2025-11-01T00:00:00Z");
    Verdict v = EvidenceVerifier.verify(e, Vectors.hardwareOnly("tdx"), null, at);
    assertEquals(
        "the platform's TCB level is OutOfDate, which the policy does not accept",
        claim(v, "tdx.tcb-status").detail());
    assertTrue(claim(v, "tdx.tcb-info-signature").ok());
    assertTrue(claim(v, "tdx.qe-identity").ok());
    assertEquals(
        "the QE's TCB level is UpToDate, which the policy accepts",
        claim(v, "tdx.qe-tcb-status").detail());
    Policy lenient =
        Policy.parse(
            "{\"platforms\":[\"tdx\"],\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,"
                + "\"tdxTcbStatuses\":[\"UpToDate\",\"OutOfDate\"]}");
    assertTrue(claim(EvidenceVerifier.verify(e, lenient, null, at), "tdx.tcb-status").ok());
  }

  @Test
  void tamperedCollateralOrWrongPlatformFails() throws Exception {
    Evidence e =
        withCollateral(
            "tdx/trustee/tdx_quote_6.dat",
            "tdx/go-tdx-guest/sample_tcbInfo_response",
            "tdx/go-tdx-guest/sample_qeIdentity_response");
    Verdict v =
        EvidenceVerifier.verify(
            e, Vectors.hardwareOnly("tdx"), null, Instant.parse("2025-11-01T00:00:00Z"));
    assertEquals(
        "the TCB info is for FMSPC 50806f000000, the PCK certificate's is 00a06d080000",
        claim(v, "tdx.tcb-info-fmspc").detail());
    byte[] info = Vectors.read("tdx/go-tdx-guest/sample_tcbInfo_response");
    String text =
        new String(info, java.nio.charset.StandardCharsets.UTF_8)
            .replace("\"UpToDate\"", "\"UpToDatf\"");
    Evidence tampered =
        e.toBuilder()
            .setTdx(e.getTdx().toBuilder().setTcbInfo(ByteString.copyFromUtf8(text)))
            .build();
    assertTrue(
        !claim(
                EvidenceVerifier.verify(
                    tampered,
                    Vectors.hardwareOnly("tdx"),
                    null,
                    Instant.parse("2025-11-01T00:00:00Z")),
                "tdx.tcb-info-signature")
            .ok());
  }
}
