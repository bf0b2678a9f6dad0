package io.parasol.tools.attest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import io.parasol.isolation.attestation.proto.Evidence;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verification service over HTTP (the JDK's {@code com.sun.net.httpserver}), JSON in and out,
 * stateless so replicas behind a load balancer need nothing but the same policy and nonce key:
 *
 * <ul>
 *   <li>{@code GET /v1/nonce} → {@code {"nonce": "<hex>", "expiresAt": "..."}}: a nonce to put in
 *       the TPM quote (see {@link NonceIssuer}).
 *   <li>{@code POST /v1/verify} with {@code application/json} {@code {"evidence": <evidence JSON>
 *       or "<base64 protobuf>", "nonce": "<hex>"}}, or with {@code application/x-protobuf} (the
 *       Evidence bytes; the nonce in {@code ?nonce=<hex>}) → the verdict JSON ({@link
 *       VerdictJson}), status 200 whether valid or not; 400 with {@code {"error": "..."}} for a
 *       request that cannot be read.
 *   <li>{@code GET /v1/health} → {@code {"status": "ok"}}.
 * </ul>
 */
public final class AttestService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AttestService.class);

  /** Requests larger than this are refused (evidence with a log is a few hundred KiB). */
  static final int MAX_REQUEST_BYTES = 8 << 20;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Policy policy;
  private final NonceIssuer nonces;
  private final boolean requireNonce;
  private final Clock clock;

  private AttestService(
      HttpServer server,
      ExecutorService executor,
      Policy policy,
      NonceIssuer nonces,
      boolean requireNonce,
      Clock clock) {
    this.server = server;
    this.executor = executor;
    this.policy = policy;
    this.nonces = nonces;
    this.requireNonce = requireNonce;
    this.clock = clock;
  }

  /**
   * Starts the service on {@code address} (port 0: any free port) with {@code threads} workers.
   *
   * @param requireNonce whether a verification without a nonce is invalid
   */
  public static AttestService start(
      InetSocketAddress address,
      int threads,
      Policy policy,
      NonceIssuer nonces,
      boolean requireNonce,
      Clock clock)
      throws IOException {
    HttpServer server = HttpServer.create(address, 256);
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    AttestService s = new AttestService(server, executor, policy, nonces, requireNonce, clock);
    server.createContext("/v1/nonce", s::nonce);
    server.createContext("/v1/verify", s::verify);
    server.createContext("/v1/health", x -> s.respond(x, 200, json("status", "ok")));
    server.setExecutor(executor);
    server.start();
    return s;
  }

  /** The port the service listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void nonce(HttpExchange x) throws IOException {
    if (!x.getRequestMethod().equals("GET")) {
      respond(x, 405, json("error", "use GET for /v1/nonce"));
      return;
    }
    byte[] n = nonces.issue(clock.instant());
    JsonObject o = new JsonObject();
    o.addProperty("nonce", HexFormat.of().formatHex(n));
    o.addProperty("expiresAt", NonceIssuer.expiry(n).toString());
    respond(x, 200, o);
  }

  private void verify(HttpExchange x) throws IOException {
    try {
      if (!x.getRequestMethod().equals("POST")) {
        respond(x, 405, json("error", "use POST for /v1/verify"));
        return;
      }
      byte[] body = readBody(x);
      Evidence evidence;
      String nonceHex;
      String type = x.getRequestHeaders().getFirst("Content-Type");
      if (type != null && type.startsWith("application/x-protobuf")) {
        evidence = Evidence.parseFrom(body);
        nonceHex = query(x.getRequestURI(), "nonce");
      } else {
        JsonElement request = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        if (!request.isJsonObject() || !request.getAsJsonObject().has("evidence")) {
          respond(
              x, 400, json("error", "the request is not a JSON object with an evidence member"));
          return;
        }
        JsonObject r = request.getAsJsonObject();
        JsonElement e = r.get("evidence");
        evidence =
            e.isJsonPrimitive()
                ? Evidence.parseFrom(Base64.getDecoder().decode(e.getAsString()))
                : EvidenceJson.fromJson(e);
        nonceHex =
            r.has("nonce") && !r.get("nonce").isJsonNull() ? r.get("nonce").getAsString() : null;
      }
      Instant now = clock.instant();
      Verdict v = new Verdict();
      byte[] nonce = null;
      if (nonceHex != null) {
        nonce = HexFormat.of().parseHex(nonceHex);
        String problem = nonces.check(nonce, now);
        v.check(
            "service.nonce",
            problem == null,
            problem == null ? "the nonce was issued by this service and is unexpired" : problem);
      } else {
        v.check(
            "service.nonce",
            !requireNonce,
            requireNonce
                ? "the request has no nonce and this service requires one"
                : "the request has no nonce (freshness not checked by this service)");
      }
      EvidenceVerifier.verify(evidence, policy, nonce, now, v);
      respond(x, 200, VerdictJson.toJson(v, now));
    } catch (InvalidProtocolBufferException
        | MalformedEvidenceException
        | IllegalArgumentException e) {
      respond(x, 400, json("error", "the evidence cannot be read: " + e.getMessage()));
    } catch (RuntimeException e) {
      // Gson's JsonParseException and friends: the body is not what the API takes.
      LOG.debug("unreadable request", e);
      respond(x, 400, json("error", "the request cannot be read: " + e.getMessage()));
    }
  }

  private static byte[] readBody(HttpExchange x) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
      if (body.length > MAX_REQUEST_BYTES) {
        throw new IllegalArgumentException(
            "the request is larger than " + MAX_REQUEST_BYTES + " bytes");
      }
      return body;
    }
  }

  private static String query(URI uri, String name) {
    String q = uri.getRawQuery();
    if (q == null) {
      return null;
    }
    for (String part : q.split("&")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static JsonObject json(String key, String value) {
    JsonObject o = new JsonObject();
    o.addProperty(key, value);
    return o;
  }

  private void respond(HttpExchange x, int status, JsonObject body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
