package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.parasol.isolation.attestation.proto.AzureHclEvidence;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.NoHardwareEvidence;
import io.parasol.isolation.attestation.proto.SnpEvidence;
import io.parasol.isolation.attestation.proto.TdxEvidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verifier under fuzzing: whatever the bytes, it returns a verdict, never an invalid-input
 * crash (its catch-all "verifier" claim must never fire) and never "valid" for input that is not a
 * real vector. The first input byte chooses where the rest goes: a whole Evidence message, an SNP
 * report, a TDX quote, an HCL report, a TPM quote's TPMS_ATTEST or TPMT_SIGNATURE, a TCG event log
 * or a CCEL log (against a real quote's RTMRs). Regression inputs (in every build) are in
 * src/test/resources/io/parasol/tools/attest/EvidenceFuzzTestInputs/verifyAnything/; see
 * tpm-emulator's TpmDispatcherFuzzTest for running Jazzer in fuzzing mode.
 */
class EvidenceFuzzTest {
  private static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
  private static final Policy ANY;

  static {
    try {
      ANY =
          Policy.parse(
              "{\"platforms\":[\"snp\",\"tdx\",\"azure-snp\",\"azure-tdx\",\"none\"],"
                  + "\"requireRuntimeClaims\":false,\"requireTpmQuote\":false,\"allowDebug\":true}");
    } catch (Policy.PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The TDX quote whose RTMRs a fuzzed CCEL log is replayed against. */
  private static final byte[] COS_QUOTE =
      Vectors.read("tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat");

  private static final Path INPUTS =
      Path.of("src/test/resources/io/parasol/tools/attest/EvidenceFuzzTestInputs/verifyAnything");

  /** Hashes of the committed seeds (real vectors). */
  private static final java.util.Set<Integer> SEEDS = new java.util.HashSet<>();

  static {
    try (var files = Files.list(INPUTS)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().startsWith("seed-")) {
          SEEDS.add(Arrays.hashCode(Files.readAllBytes(f)));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The evidence an input stands for, or null when it is not even a message. */
  static Evidence evidenceOf(byte[] input) {
    if (input.length == 0) {
      return null;
    }
    ByteString rest = ByteString.copyFrom(input, 1, input.length - 1);
    Evidence.Builder e = Evidence.newBuilder().setFormatVersion(1);
    TpmQuote.Builder q =
        TpmQuote.newBuilder()
            .setHashAlg(TpmStructures.ALG_SHA256)
            .putPcrs(0, ByteString.copyFrom(new byte[32]));
    switch (input[0] & 7) {
      case 0 -> {
        try {
          return Evidence.parseFrom(rest);
        } catch (InvalidProtocolBufferException x) {
          return null;
        }
      }
      case 1 -> e.setSnp(SnpEvidence.newBuilder().setReport(rest).addCertificates(rest));
      case 2 -> e.setTdx(TdxEvidence.newBuilder().setQuote(rest));
      case 3 -> e.setAzureHcl(AzureHclEvidence.newBuilder().setHclReport(rest).setTdQuote(rest));
      case 4 ->
          e.setNone(NoHardwareEvidence.getDefaultInstance())
              .setAkTpmtPublic(rest)
              .addTpmQuotes(q.setAttest(rest).setSignature(rest));
      case 5 -> e.setNone(NoHardwareEvidence.getDefaultInstance()).setRuntimeClaims(rest);
      case 6 ->
          e.setNone(NoHardwareEvidence.getDefaultInstance())
              .setTcgEventLog(rest)
              .addTpmQuotes(q.setAttest(rest));
      default ->
          e.setTdx(TdxEvidence.newBuilder().setQuote(ByteString.copyFrom(COS_QUOTE)))
              .setCcelEventLog(rest);
    }
    return e.build();
  }

  static void check(byte[] input) {
    Evidence e = evidenceOf(input);
    if (e == null) {
      return;
    }
    Verdict v = EvidenceVerifier.verify(e, ANY, null, AT);
    assertFalse(
        v.failed("verifier"),
        () ->
            v.checks().stream()
                .filter(c -> c.claim().equals("verifier"))
                .findFirst()
                .orElseThrow()
                .detail());
    // The committed seeds are real vectors, which verify; anything else must not.
    assertFalse(v.valid() && !SEEDS.contains(Arrays.hashCode(input)), "random input was accepted");
  }

  @FuzzTest(maxDuration = "5m")
  void verifyAnything(byte[] input) {
    check(input);
  }

  /** Mutated real inputs from a fixed seed, so every build fuzzes a little without Jazzer. */
  @Test
  void seededMutationsOfRealInputs() throws IOException {
    Path dir = INPUTS;
    Random r = new Random(7);
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        byte[] seed = Files.readAllBytes(f);
        for (int i = 0; i < 40; i++) {
          byte[] m = seed.clone();
          int changes = 1 + r.nextInt(4);
          for (int c = 0; c < changes && m.length > 1; c++) {
            m[1 + r.nextInt(m.length - 1)] = (byte) r.nextInt(256);
          }
          if (r.nextInt(4) == 0) {
            m = Arrays.copyOf(m, 1 + r.nextInt(m.length));
          }
          check(m);
        }
      }
    }
  }
}
