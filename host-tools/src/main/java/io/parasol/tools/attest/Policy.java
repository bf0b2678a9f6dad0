package io.parasol.tools.attest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a relying party accepts, read from a JSON file. Every key is optional; an unknown key is an
 * error (a typo must not loosen a policy).
 *
 * <pre>{@code
 * {
 *   "platforms": ["snp", "tdx", "azure-snp", "azure-tdx", "none"],  default: all but "none"
 *   "measurements": ["<96 hex>", ...],   allowed SNP MEASUREMENT / TDX MRTD; entries may also be the
 *                                        objects `parasol igvm measure --json` prints (VBS ones ignored)
 *   "minTcb": {"bootLoader": 3, "tee": 0, "snp": 8, "microcode": 115, "fmc": 0},   SNP
 *   "allowDebug": false,                 default false
 *   "vmpl": 0,                           SNP: the only VMPL accepted
 *   "pcrs": {"sha256": {"0": "<hex>" or ["<hex>", ...]}},   allowed quoted PCR values
 *   "eventDigests": {"sha256": ["<hex>", ...]},   every logged event's digest must be listed
 *   "maxAgeSeconds": 300,                evidence produced at most this long before --at
 *   "requireRuntimeClaims": true,        default true
 *   "requireTpmQuote": true,             default true
 *   "tdxTcbStatuses": ["UpToDate"]       TDX TCB and QE statuses accepted when collateral is given
 * }
 * }</pre>
 */
public record Policy(
    Set<String> platforms,
    List<byte[]> measurements,
    Map<String, Integer> minTcb,
    boolean allowDebug,
    OptionalInt vmpl,
    Map<String, Map<Integer, List<byte[]>>> pcrs,
    Map<String, List<byte[]>> eventDigests,
    OptionalLong maxAgeSeconds,
    boolean requireRuntimeClaims,
    boolean requireTpmQuote,
    List<String> tdxTcbStatuses) {

  /** Every platform name a policy can allow. */
  public static final List<String> PLATFORMS =
      List.of("snp", "tdx", "azure-snp", "azure-tdx", "none");

  private static final Set<String> KEYS =
      Set.of(
          "platforms",
          "measurements",
          "minTcb",
          "allowDebug",
          "vmpl",
          "pcrs",
          "eventDigests",
          "maxAgeSeconds",
          "requireRuntimeClaims",
          "requireTpmQuote",
          "tdxTcbStatuses");

  private static final Set<String> TCB_KEYS =
      Set.of("bootLoader", "tee", "snp", "microcode", "fmc");

  /** A policy that is wrong: the message is one sentence naming the key. */
  public static final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    PolicyException(String message) {
      super(message);
    }
  }

  /** The policy of an empty JSON object: hardware required, claims and a TPM quote required. */
  public static Policy defaults() {
    try {
      return parse("{}");
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Policy parse(String json) throws PolicyException {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new PolicyException("the policy is not a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (RuntimeException e) {
      throw new PolicyException("the policy is not valid JSON: " + e.getMessage());
    }
    for (String k : o.keySet()) {
      if (!KEYS.contains(k)) {
        throw new PolicyException("the policy has an unknown key '" + k + "'");
      }
    }
    Set<String> platforms = new java.util.LinkedHashSet<>(PLATFORMS.subList(0, 4));
    if (o.has("platforms")) {
      platforms.clear();
      for (JsonElement p : array(o, "platforms")) {
        String name = string(p, "platforms");
        if (!PLATFORMS.contains(name)) {
          throw new PolicyException(
              "the policy's platform '" + name + "' is not one of " + PLATFORMS);
        }
        platforms.add(name);
      }
    }
    List<byte[]> measurements = new ArrayList<>();
    if (o.has("measurements")) {
      for (JsonElement m : array(o, "measurements")) {
        if (m.isJsonObject()) {
          // An entry of `parasol igvm measure --json`: SNP and TDX digests are what a hardware
          // report carries; a VBS boot digest has no report to meet here.
          JsonObject entry = m.getAsJsonObject();
          if (!entry.has("digest") || !entry.has("platform")) {
            throw new PolicyException(
                "the policy's measurements entry " + entry + " has no platform and digest");
          }
          if (!string(entry.get("platform"), "measurements").equals("VSM_ISOLATION")) {
            measurements.add(hex(entry.get("digest"), "measurements", 48));
          }
        } else {
          measurements.add(hex(m, "measurements", 48));
        }
      }
    }
    Map<String, Integer> minTcb = new LinkedHashMap<>();
    if (o.has("minTcb")) {
      JsonObject t = object(o, "minTcb");
      for (String k : t.keySet()) {
        if (!TCB_KEYS.contains(k)) {
          throw new PolicyException("the policy's minTcb has an unknown key '" + k + "'");
        }
        minTcb.put(k, integer(t.get(k), "minTcb." + k));
      }
    }
    Map<String, Map<Integer, List<byte[]>>> pcrs = new LinkedHashMap<>();
    if (o.has("pcrs")) {
      JsonObject banks = object(o, "pcrs");
      for (String bank : banks.keySet()) {
        int size = bankSize(bank, "pcrs");
        JsonObject values = object(banks, bank);
        Map<Integer, List<byte[]>> byPcr = new LinkedHashMap<>();
        for (String index : values.keySet()) {
          int pcr;
          try {
            pcr = Integer.parseInt(index);
          } catch (NumberFormatException e) {
            throw new PolicyException(
                "the policy's pcrs." + bank + " key '" + index + "' is not a PCR number");
          }
          if (pcr < 0 || pcr > 23) {
            throw new PolicyException("the policy's pcrs." + bank + " names PCR " + pcr);
          }
          JsonElement v = values.get(index);
          List<byte[]> allowed = new ArrayList<>();
          String where = "pcrs." + bank + "." + index;
          if (v.isJsonArray()) {
            for (JsonElement x : v.getAsJsonArray()) {
              allowed.add(hex(x, where, size));
            }
          } else {
            allowed.add(hex(v, where, size));
          }
          byPcr.put(pcr, allowed);
        }
        pcrs.put(bank, byPcr);
      }
    }
    Map<String, List<byte[]>> eventDigests = new LinkedHashMap<>();
    if (o.has("eventDigests")) {
      JsonObject banks = object(o, "eventDigests");
      for (String bank : banks.keySet()) {
        int size = bankSize(bank, "eventDigests");
        List<byte[]> list = new ArrayList<>();
        for (JsonElement x : array(banks, bank)) {
          list.add(hex(x, "eventDigests." + bank, size));
        }
        eventDigests.put(bank, list);
      }
    }
    List<String> statuses = new ArrayList<>(List.of("UpToDate"));
    if (o.has("tdxTcbStatuses")) {
      statuses.clear();
      for (JsonElement st : array(o, "tdxTcbStatuses")) {
        statuses.add(string(st, "tdxTcbStatuses"));
      }
    }
    return new Policy(
        Set.copyOf(platforms),
        measurements,
        minTcb,
        o.has("allowDebug") && bool(o.get("allowDebug"), "allowDebug"),
        o.has("vmpl") ? OptionalInt.of(integer(o.get("vmpl"), "vmpl")) : OptionalInt.empty(),
        pcrs,
        eventDigests,
        o.has("maxAgeSeconds")
            ? OptionalLong.of(integer(o.get("maxAgeSeconds"), "maxAgeSeconds"))
            : OptionalLong.empty(),
        !o.has("requireRuntimeClaims")
            || bool(o.get("requireRuntimeClaims"), "requireRuntimeClaims"),
        !o.has("requireTpmQuote") || bool(o.get("requireTpmQuote"), "requireTpmQuote"),
        List.copyOf(statuses));
  }

  /** The TPM_ALG_ID of a bank name ("sha1", "sha256", "sha384", "sha512"). */
  static int bankAlg(String bank) {
    return switch (bank) {
      case "sha1" -> TpmStructures.ALG_SHA1;
      case "sha256" -> TpmStructures.ALG_SHA256;
      case "sha384" -> TpmStructures.ALG_SHA384;
      case "sha512" -> TpmStructures.ALG_SHA512;
      default -> -1;
    };
  }

  private static int bankSize(String bank, String where) throws PolicyException {
    return switch (bank.toLowerCase(Locale.ROOT)) {
      case "sha1" -> 20;
      case "sha256" -> 32;
      case "sha384" -> 48;
      case "sha512" -> 64;
      default ->
          throw new PolicyException(
              "the policy's "
                  + where
                  + " bank '"
                  + bank
                  + "' is not sha1, sha256, sha384 or sha512");
    };
  }

  private static JsonArray array(JsonObject o, String key) throws PolicyException {
    JsonElement e = o.get(key);
    if (!e.isJsonArray()) {
      throw new PolicyException("the policy's " + key + " is not a list");
    }
    return e.getAsJsonArray();
  }

  private static JsonObject object(JsonObject o, String key) throws PolicyException {
    JsonElement e = o.get(key);
    if (!e.isJsonObject()) {
      throw new PolicyException("the policy's " + key + " is not an object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonElement e, String where) throws PolicyException {
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw new PolicyException("the policy's " + where + " has a value that is not a string");
    }
    return p.getAsString();
  }

  private static boolean bool(JsonElement e, String where) throws PolicyException {
    if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
      throw new PolicyException("the policy's " + where + " is not true or false");
    }
    return p.getAsBoolean();
  }

  private static int integer(JsonElement e, String where) throws PolicyException {
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      throw new PolicyException("the policy's " + where + " is not a number");
    }
    double d = p.getAsDouble();
    if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
      throw new PolicyException("the policy's " + where + " is not a non-negative integer");
    }
    return (int) d;
  }

  private static byte[] hex(JsonElement e, String where, int bytes) throws PolicyException {
    String s = string(e, where);
    try {
      byte[] v = HexFormat.of().parseHex(s.toLowerCase(Locale.ROOT));
      if (v.length != bytes) {
        throw new PolicyException(
            "the policy's " + where + " value " + s + " is not " + bytes + " bytes");
      }
      return v;
    } catch (IllegalArgumentException x) {
      throw new PolicyException("the policy's " + where + " value " + s + " is not hex");
    }
  }
}
