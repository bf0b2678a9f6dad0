package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.tools.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parasol attest verify}: verdicts on standard output, exit codes 0, 1 and 2. */
class AttestCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  @Test
  void validEvidenceExitsZeroWithAJsonVerdict() throws Exception {
    Vectors.Case c = Vectors.azureCases().get(0);
    Path evidence = write("e.pb", c.evidence().toByteArray());
    Path policy = write("p.json", "{\"platforms\":[\"azure-snp\"],\"vmpl\":0}".getBytes());
    Run r =
        run(
            "attest",
            "verify",
            evidence.toString(),
            "--policy",
            policy.toString(),
            "--at",
            c.at().toString(),
            "--nonce",
            java.util.HexFormat.of().formatHex(c.nonce()));
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject verdict = JsonParser.parseString(r.out()).getAsJsonObject();
    assertTrue(verdict.get("valid").getAsBoolean());
    assertEquals("azure-snp", verdict.get("platform").getAsString());
    assertEquals("valid", verdict.get("reason").getAsString());
    assertTrue(verdict.getAsJsonArray("checks").size() > 15);

    Path json = write("e.json", EvidenceJson.toJson(c.evidence()).toString().getBytes());
    Run j =
        run(
            "attest",
            "verify",
            json.toString(),
            "--policy",
            policy.toString(),
            "--at",
            c.at().toString(),
            "--compact");
    assertEquals(0, j.code(), j.err());
    assertEquals(1, j.out().strip().split("\n").length);
  }

  @Test
  void invalidEvidenceExitsOneWithTheFirstReason() throws Exception {
    byte[] report = Vectors.read("negative/snp_sig_r_flip.bin");
    Evidence e = Vectors.snp(report, Vectors.read("snp/virtee-sev-milan/vcek_milan.der"));
    Path evidence = write("bad.pb", e.toByteArray());
    Path policy =
        write(
            "p.json",
            "{\"platforms\":[\"snp\"],\"requireRuntimeClaims\":false,\"requireTpmQuote\":false}"
                .getBytes());
    Run r =
        run(
            "attest",
            "verify",
            evidence.toString(),
            "--policy",
            policy.toString(),
            "--at",
            "2024-01-01");
    assertEquals(1, r.code(), r.err());
    JsonObject verdict = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(
        "the report's ECDSA P-384 signature does not verify with the VCEK",
        verdict.get("reason").getAsString());
  }

  @Test
  void unreadableInputOrBadUsageExitsTwo() throws Exception {
    Run missing = run("attest", "verify", dir.resolve("absent.pb").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().startsWith("parasol: cannot read the evidence "), missing.err());
    Path junk = write("junk.pb", new byte[] {(byte) 0xff, 0x01, 0x02});
    Run garbage = run("attest", "verify", junk.toString());
    assertEquals(2, garbage.code());
    assertTrue(garbage.err().contains("is not readable evidence"), garbage.err());
    Path badJson =
        write("bad.json", "{\"formatVersion\":1,\"snp\":{\"report\":\"@@\"}}".getBytes());
    assertEquals(2, run("attest", "verify", badJson.toString()).code());
    Path policy = write("p.json", "{\"allowdebug\":true}".getBytes());
    Path ok = write("ok.pb", Vectors.tdxCases().get(0).evidence().toByteArray());
    Run badPolicy = run("attest", "verify", ok.toString(), "--policy", policy.toString());
    assertEquals(2, badPolicy.code());
    assertTrue(
        badPolicy.err().endsWith("the policy has an unknown key 'allowdebug'\n"), badPolicy.err());
    assertEquals(2, run("attest", "verify", ok.toString(), "--at", "yesterday").code());
    assertEquals(2, run("attest", "verify").code());
  }
}
