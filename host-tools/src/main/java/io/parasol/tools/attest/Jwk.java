package io.parasol.tools.attest;

import com.google.gson.JsonObject;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;

/** Public keys from JWKs (RFC 7518 §6): RSA, and EC on P-256 or P-384. */
final class Jwk {
  private Jwk() {}

  static PublicKey toPublicKey(Map<String, String> jwk) throws MalformedEvidenceException {
    String kty = jwk.get("kty");
    if ("RSA".equals(kty)) {
      JsonObject o = new JsonObject();
      jwk.forEach(o::addProperty);
      return AzureHclReport.rsaJwk(o);
    }
    if ("EC".equals(kty)) {
      String crv = jwk.get("crv");
      int len;
      String curve;
      if ("P-256".equals(crv)) {
        len = 32;
        curve = "secp256r1";
      } else if ("P-384".equals(crv)) {
        len = 48;
        curve = "secp384r1";
      } else {
        throw new MalformedEvidenceException("the JWK curve " + crv + " is not P-256 or P-384");
      }
      try {
        byte[] x = Base64.getUrlDecoder().decode(jwk.get("x"));
        byte[] y = Base64.getUrlDecoder().decode(jwk.get("y"));
        if (x.length != len || y.length != len) {
          throw new MalformedEvidenceException("the JWK coordinates are not " + len + " bytes");
        }
        PublicKey key = Ecdsa.point(curve, TpmStructures.concat(x, y));
        if (key == null) {
          throw new MalformedEvidenceException("the JWK point is not on " + crv);
        }
        return key;
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new MalformedEvidenceException("the JWK's x or y is not base64url");
      }
    }
    throw new MalformedEvidenceException("the JWK type " + kty + " is not RSA or EC");
  }
}
