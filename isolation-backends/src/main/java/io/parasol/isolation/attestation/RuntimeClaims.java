package io.parasol.isolation.attestation;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runtime-claims document a Parasol paravisor binds into its hardware report: the vTPM's keys
 * and the VM configuration a relying party cares about. Its canonical JSON bytes ({@link
 * CanonicalJson}) are what is hashed: REPORT_DATA = SHA-512(bytes) ({@link #reportData}).
 *
 * <p>Schema, version 1 (every key required, no others):
 *
 * <pre>{@code
 * {
 *   "ak": JWK,                      the vTPM attestation key (signs TPM quotes)
 *   "ek": JWK,                      the vTPM endorsement key
 *   "isolation": "none"|"snp"|"tdx",
 *   "user-data": "<128 hex digits>" 64 bytes the guest supplied (e.g. a relying party's nonce)
 *   "version": 1,
 *   "vm-configuration": {
 *     "console": true|false,        whether the host sees a serial console
 *     "tpm-persistence": "ephemeral"|"sealed"
 *   }
 * }
 * }</pre>
 *
 * A JWK is {@code {"kty":"RSA","n","e"}} or {@code {"kty":"EC","crv":"P-256"|"P-384","x","y"}} with
 * base64url values without padding (RFC 7518 §6), and a {@code "kid"} ("ak" or "ek").
 *
 * @param ak the attestation key as a JWK map
 * @param ek the endorsement key as a JWK map
 * @param isolation "none", "snp" or "tdx"
 * @param console whether the VM has a host-visible console
 * @param tpmPersistence "ephemeral" or "sealed"
 * @param userData 64 guest-supplied bytes
 */
public record RuntimeClaims(
    Map<String, String> ak,
    Map<String, String> ek,
    String isolation,
    boolean console,
    String tpmPersistence,
    byte[] userData) {

  /** The schema version this class writes and reads. */
  public static final int VERSION = 1;

  public RuntimeClaims {
    Objects.requireNonNull(ak, "ak");
    Objects.requireNonNull(ek, "ek");
    if (!List.of("none", "snp", "tdx").contains(isolation)) {
      throw new IllegalArgumentException("isolation must be none, snp or tdx, not " + isolation);
    }
    if (!List.of("ephemeral", "sealed").contains(tpmPersistence)) {
      throw new IllegalArgumentException(
          "tpm-persistence must be ephemeral or sealed, not " + tpmPersistence);
    }
    if (userData.length != 64) {
      throw new IllegalArgumentException("user-data must be 64 bytes, not " + userData.length);
    }
    ak = Map.copyOf(ak);
    ek = Map.copyOf(ek);
    userData = userData.clone();
  }

  @Override
  public byte[] userData() {
    return userData.clone();
  }

  /** The document as a JSON tree (maps, strings, booleans, integers). */
  public Map<String, Object> toTree() {
    Map<String, Object> vm = new LinkedHashMap<>();
    vm.put("console", console);
    vm.put("tpm-persistence", tpmPersistence);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("ak", ak);
    doc.put("ek", ek);
    doc.put("isolation", isolation);
    doc.put("user-data", HexFormat.of().formatHex(userData));
    doc.put("version", VERSION);
    doc.put("vm-configuration", vm);
    return doc;
  }

  /** The canonical JSON bytes: the exact bytes to hash and to ship in evidence. */
  public byte[] toCanonicalJson() {
    return CanonicalJson.encode(toTree());
  }

  /** REPORT_DATA for these claims: SHA-512 of the canonical JSON bytes. */
  public byte[] reportData() {
    return reportDataFor(toCanonicalJson());
  }

  /** REPORT_DATA for claims already encoded: SHA-512 of {@code canonicalJson}. */
  public static byte[] reportDataFor(byte[] canonicalJson) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(canonicalJson);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-512", e);
    }
  }

  /**
   * Reads claims from a parsed JSON tree (as Gson or any JSON reader produces: maps, lists,
   * strings, booleans, numbers), checking the schema.
   *
   * @throws MalformedEvidenceException naming the first schema violation
   */
  public static RuntimeClaims fromTree(Object tree) throws MalformedEvidenceException {
    if (!(tree instanceof Map<?, ?> doc)) {
      throw bad("are not a JSON object");
    }
    List<String> keys =
        List.of("ak", "ek", "isolation", "user-data", "version", "vm-configuration");
    for (Object k : doc.keySet()) {
      if (!keys.contains(k)) {
        throw bad("have an unknown key '" + k + "'");
      }
    }
    for (String k : keys) {
      if (!doc.containsKey(k)) {
        throw bad("lack '" + k + "'");
      }
    }
    if (!(doc.get("version") instanceof Number n) || n.doubleValue() != VERSION) {
      throw bad("have version " + doc.get("version") + ", not " + VERSION);
    }
    if (!(doc.get("vm-configuration") instanceof Map<?, ?> vm)
        || !(vm.get("console") instanceof Boolean console)
        || !(vm.get("tpm-persistence") instanceof String persistence)
        || vm.size() != 2) {
      throw bad("have a vm-configuration that is not {console: boolean, tpm-persistence: string}");
    }
    if (!(doc.get("user-data") instanceof String hex) || !hex.matches("[0-9a-f]{128}")) {
      throw bad("have user-data that is not 128 lower-case hex digits");
    }
    if (!(doc.get("isolation") instanceof String isolation)) {
      throw bad("have an isolation that is not a string");
    }
    try {
      return new RuntimeClaims(
          jwk(doc.get("ak"), "ak"),
          jwk(doc.get("ek"), "ek"),
          isolation,
          console,
          persistence,
          HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw bad("are invalid: " + e.getMessage());
    }
  }

  private static Map<String, String> jwk(Object value, String name)
      throws MalformedEvidenceException {
    if (!(value instanceof Map<?, ?> m)) {
      throw bad("have an '" + name + "' that is not a JWK object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) {
        throw bad("have an '" + name + "' JWK with a non-string member");
      }
      out.put(k, v);
    }
    return out;
  }

  private static MalformedEvidenceException bad(String what) {
    return new MalformedEvidenceException("the runtime claims " + what);
  }

  /** A public key as a JWK map with {@code kid}: RSA, or EC on P-256 or P-384. */
  public static Map<String, String> jwk(PublicKey key, String kid) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    Map<String, String> jwk = new LinkedHashMap<>();
    jwk.put("kid", kid);
    switch (key) {
      case RSAPublicKey rsa -> {
        jwk.put("kty", "RSA");
        jwk.put("n", b64.encodeToString(unsigned(rsa.getModulus(), 0)));
        jwk.put("e", b64.encodeToString(unsigned(rsa.getPublicExponent(), 0)));
      }
      case ECPublicKey ec -> {
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        String crv =
            switch (bits) {
              case 256 -> "P-256";
              case 384 -> "P-384";
              default -> throw new IllegalArgumentException("no JWK curve for " + bits + " bits");
            };
        int bytes = bits / 8;
        jwk.put("kty", "EC");
        jwk.put("crv", crv);
        jwk.put("x", b64.encodeToString(unsigned(ec.getW().getAffineX(), bytes)));
        jwk.put("y", b64.encodeToString(unsigned(ec.getW().getAffineY(), bytes)));
      }
      default -> throw new IllegalArgumentException("no JWK for a " + key.getAlgorithm() + " key");
    }
    return jwk;
  }

  /** Big-endian unsigned bytes, left-padded to {@code length} (0: minimal). */
  private static byte[] unsigned(BigInteger v, int length) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      b = Arrays.copyOfRange(b, 1, b.length);
    }
    if (length > b.length) {
      byte[] padded = new byte[length];
      System.arraycopy(b, 0, padded, length - b.length, b.length);
      return padded;
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeClaims c && Arrays.equals(toCanonicalJson(), c.toCanonicalJson());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toCanonicalJson());
  }

  @Override
  public String toString() {
    return new String(toCanonicalJson(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
