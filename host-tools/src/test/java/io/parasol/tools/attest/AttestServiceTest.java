package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP service on loopback: nonces, JSON and Protobuf evidence, unreadable requests. */
class AttestServiceTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private final HttpClient http = HttpClient.newHttpClient();
  private AttestService service;
  private NonceIssuer nonces;

  @BeforeEach
  void start() throws Exception {
    nonces = new NonceIssuer(new byte[32], Duration.ofMinutes(5));
    service =
        AttestService.start(
            new InetSocketAddress("127.0.0.1", 0),
            4,
            Policy.parse("{\"platforms\":[\"none\"],\"maxAgeSeconds\":60}"),
            nonces,
            true,
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.port() + path);
  }

  private HttpResponse<String> post(String path, String type, HttpRequest.BodyPublisher body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).header("Content-Type", type).POST(body).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGuestsEvidenceOverAnIssuedNonceIsValid() throws Exception {
    var n =
        http.send(
            HttpRequest.newBuilder(uri("/v1/nonce")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, n.statusCode());
    String nonceHex = JsonParser.parseString(n.body()).getAsJsonObject().get("nonce").getAsString();
    byte[] nonce = HexFormat.of().parseHex(nonceHex);
    SyntheticEvidence vm = new SyntheticEvidence();
    var evidence = vm.evidence(nonce, NOW.getEpochSecond() - 1);

    JsonObject request = new JsonObject();
    request.add("evidence", EvidenceJson.toJson(evidence));
    request.addProperty("nonce", nonceHex);
    var json =
        post(
            "/v1/verify",
            "application/json",
            HttpRequest.BodyPublishers.ofString(request.toString()));
    assertEquals(200, json.statusCode());
    JsonObject verdict = JsonParser.parseString(json.body()).getAsJsonObject();
    assertTrue(verdict.get("valid").getAsBoolean(), json.body());

    var proto =
        post(
            "/v1/verify?nonce=" + nonceHex,
            "application/x-protobuf",
            HttpRequest.BodyPublishers.ofByteArray(evidence.toByteArray()));
    assertTrue(
        JsonParser.parseString(proto.body()).getAsJsonObject().get("valid").getAsBoolean(),
        proto.body());
  }

  @Test
  void forgedMissingOrMismatchedNoncesAreInvalid() throws Exception {
    SyntheticEvidence vm = new SyntheticEvidence();
    byte[] forged = nonces.issue(NOW);
    forged[30] ^= 1;
    var evidence = vm.evidence(forged, NOW.getEpochSecond());
    var r =
        post(
            "/v1/verify?nonce=" + HexFormat.of().formatHex(forged),
            "application/x-protobuf",
            HttpRequest.BodyPublishers.ofByteArray(evidence.toByteArray()));
    JsonObject v = JsonParser.parseString(r.body()).getAsJsonObject();
    assertFalse(v.get("valid").getAsBoolean());
    assertEquals("the nonce was not issued by this service", v.get("reason").getAsString());

    var none =
        post(
            "/v1/verify",
            "application/x-protobuf",
            HttpRequest.BodyPublishers.ofByteArray(evidence.toByteArray()));
    assertEquals(
        "the request has no nonce and this service requires one",
        JsonParser.parseString(none.body()).getAsJsonObject().get("reason").getAsString());

    byte[] issued = nonces.issue(NOW);
    var other =
        post(
            "/v1/verify?nonce=" + HexFormat.of().formatHex(issued),
            "application/x-protobuf",
            HttpRequest.BodyPublishers.ofByteArray(
                vm.evidence(nonces.issue(NOW), NOW.getEpochSecond()).toByteArray()));
    JsonObject w = JsonParser.parseString(other.body()).getAsJsonObject();
    assertFalse(w.get("valid").getAsBoolean());
    assertTrue(w.get("reason").getAsString().startsWith("the TPM quote's nonce "), other.body());
  }

  @Test
  void unreadableRequestsGet400() throws Exception {
    var garbage =
        post(
            "/v1/verify",
            "application/x-protobuf",
            HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 1}));
    assertEquals(400, garbage.statusCode());
    assertTrue(garbage.body().contains("the evidence cannot be read"), garbage.body());
    var notJson =
        post("/v1/verify", "application/json", HttpRequest.BodyPublishers.ofString("{nope"));
    assertEquals(400, notJson.statusCode());
    var noEvidence =
        post("/v1/verify", "application/json", HttpRequest.BodyPublishers.ofString("{}"));
    assertEquals(400, noEvidence.statusCode());
    var get =
        http.send(
            HttpRequest.newBuilder(uri("/v1/verify")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    var health =
        http.send(
            HttpRequest.newBuilder(uri("/v1/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals("{\"status\":\"ok\"}", health.body());
  }

  @Test
  void nonceIssuerChecksTagAndExpiry() {
    NonceIssuer a = new NonceIssuer(new byte[32], Duration.ofSeconds(10));
    NonceIssuer b =
        new NonceIssuer(
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
            Duration.ofSeconds(10));
    byte[] n = a.issue(NOW);
    assertEquals(null, a.check(n, NOW.plusSeconds(10)));
    assertEquals("the nonce expired at " + NOW.plusSeconds(10), a.check(n, NOW.plusSeconds(11)));
    assertEquals("the nonce was not issued by this service", b.check(n, NOW));
    assertEquals("the nonce is not one this service issues", a.check(new byte[8], NOW));
  }
}
