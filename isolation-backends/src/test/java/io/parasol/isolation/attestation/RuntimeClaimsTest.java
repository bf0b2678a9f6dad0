package io.parasol.isolation.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.NoHardwareEvidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeClaimsTest {
  private static final Map<String, String> AK =
      Map.of("kid", "ak", "kty", "RSA", "n", "sXch", "e", "AQAB");
  private static final Map<String, String> EK =
      Map.of("kid", "ek", "kty", "EC", "crv", "P-256", "x", "AA", "y", "AQ");

  @Test
  void canonicalJsonSortsKeysAndHasNoWhitespace() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("b", List.of(1, true, "x\"y\n\u0001"));
    tree.put("a", Map.of("z", 2L, "y", Map.of()));
    tree.put("c", null);
    assertEquals(
        "{\"a\":{\"y\":{},\"z\":2},\"b\":[1,true,\"x\\\"y\\n\\u0001\"],\"c\":null}",
        new String(CanonicalJson.encode(tree), StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.encode(1.5));
  }

  @Test
  void claimsHaveOneEncodingAndItsSha512IsTheReportData() throws Exception {
    byte[] user = new byte[64];
    user[0] = 0x7f;
    RuntimeClaims c = new RuntimeClaims(AK, EK, "none", false, "ephemeral", user);
    String json = new String(c.toCanonicalJson(), StandardCharsets.UTF_8);
    assertEquals(
        "{\"ak\":{\"e\":\"AQAB\",\"kid\":\"ak\",\"kty\":\"RSA\",\"n\":\"sXch\"},"
            + "\"ek\":{\"crv\":\"P-256\",\"kid\":\"ek\",\"kty\":\"EC\",\"x\":\"AA\",\"y\":\"AQ\"},"
            + "\"isolation\":\"none\",\"user-data\":\"7f"
            + "0".repeat(126)
            + "\",\"version\":1,\"vm-configuration\":{\"console\":false,\"tpm-persistence\":\"ephemeral\"}}",
        json);
    assertArrayEquals(
        MessageDigest.getInstance("SHA-512").digest(json.getBytes(StandardCharsets.UTF_8)),
        c.reportData());
    // A tree read back (as a JSON reader gives it: doubles for numbers) is the same claims.
    Map<String, Object> tree = new HashMap<>(c.toTree());
    tree.put("version", 1.0);
    assertEquals(c, RuntimeClaims.fromTree(tree));
  }

  @Test
  void schemaViolationsAreNamed() {
    RuntimeClaims c = new RuntimeClaims(AK, EK, "snp", true, "sealed", new byte[64]);
    Map<String, Object> extra = new HashMap<>(c.toTree());
    extra.put("debug", true);
    assertEquals(
        "the runtime claims have an unknown key 'debug'",
        assertThrows(MalformedEvidenceException.class, () -> RuntimeClaims.fromTree(extra))
            .getMessage());
    Map<String, Object> missing = new HashMap<>(c.toTree());
    missing.remove("ek");
    assertEquals(
        "the runtime claims lack 'ek'",
        assertThrows(MalformedEvidenceException.class, () -> RuntimeClaims.fromTree(missing))
            .getMessage());
    Map<String, Object> shortUser = new HashMap<>(c.toTree());
    shortUser.put("user-data", "00");
    assertThrows(MalformedEvidenceException.class, () -> RuntimeClaims.fromTree(shortUser));
    Map<String, Object> badIso = new HashMap<>(c.toTree());
    badIso.put("isolation", "sgx");
    assertThrows(MalformedEvidenceException.class, () -> RuntimeClaims.fromTree(badIso));
    assertThrows(MalformedEvidenceException.class, () -> RuntimeClaims.fromTree(List.of()));
  }

  @Test
  void jwkOfAnEcKeyIsFixedLength() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    ECPublicKey key = (ECPublicKey) g.generateKeyPair().getPublic();
    Map<String, String> jwk = RuntimeClaims.jwk(key, "ak");
    assertEquals("P-384", jwk.get("crv"));
    assertEquals(48, java.util.Base64.getUrlDecoder().decode(jwk.get("x")).length);
    assertEquals(48, java.util.Base64.getUrlDecoder().decode(jwk.get("y")).length);
  }

  @Test
  void evidenceRoundTripsThroughProtobuf() throws Exception {
    RuntimeClaims c = new RuntimeClaims(AK, EK, "none", false, "ephemeral", new byte[64]);
    Evidence e =
        Evidence.newBuilder()
            .setFormatVersion(1)
            .setNone(NoHardwareEvidence.newBuilder().setReason("plain KVM"))
            .setRuntimeClaims(ByteString.copyFrom(c.toCanonicalJson()))
            .addTpmQuotes(
                TpmQuote.newBuilder()
                    .setAttest(ByteString.copyFrom(new byte[] {1, 2}))
                    .setHashAlg(0x0B)
                    .putPcrs(0, ByteString.copyFrom(new byte[32])))
            .build();
    Evidence back = Evidence.parseFrom(e.toByteArray());
    assertEquals(Evidence.HardwareCase.NONE, back.getHardwareCase());
    assertArrayEquals(c.toCanonicalJson(), back.getRuntimeClaims().toByteArray());
    assertEquals(32, back.getTpmQuotes(0).getPcrsOrThrow(0).size());
  }
}
