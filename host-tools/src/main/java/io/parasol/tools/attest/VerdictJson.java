package io.parasol.tools.attest;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Instant;

/**
 * A {@link Verdict} as JSON:
 *
 * <pre>{@code
 * {"valid": false, "platform": "snp", "verifiedAt": "2025-01-01T00:00:00Z",
 *  "reason": "the report's ECDSA P-384 signature does not verify with the VCEK",
 *  "checks": [{"claim": "snp.ark", "ok": true, "detail": "..."}, ...]}
 * }</pre>
 *
 * {@code reason} is the first failure's sentence, or "valid".
 */
public final class VerdictJson {
  private VerdictJson() {}

  public static JsonObject toJson(Verdict v, Instant at) {
    JsonObject o = new JsonObject();
    o.addProperty("valid", v.valid());
    o.addProperty("platform", v.platform());
    o.addProperty("verifiedAt", at.toString());
    o.addProperty("reason", v.reason());
    JsonArray checks = new JsonArray();
    for (Check c : v.checks()) {
      JsonObject j = new JsonObject();
      j.addProperty("claim", c.claim());
      j.addProperty("ok", c.ok());
      j.addProperty("detail", c.detail());
      checks.add(j);
    }
    o.add("checks", checks);
    return o;
  }

  /** Pretty-printed, for people. */
  public static String pretty(JsonObject o) {
    return new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(o);
  }
}
