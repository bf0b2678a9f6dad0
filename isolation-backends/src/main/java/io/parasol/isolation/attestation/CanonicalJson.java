package io.parasol.isolation.attestation;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON, the subset the runtime claims need: objects with keys sorted by UTF-16 code units
 * (as RFC 8785 does), arrays, strings, booleans, null and integers; no whitespace; strings escape
 * only {@code "}, <code>&#92;</code> and control characters (<code>&#92;n</code> style where JSON
 * has one, else <code>&#92;u00XX</code>). Two producers that agree on the values agree on the
 * bytes, so the bytes can be hashed into a hardware report.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /**
   * The canonical UTF-8 bytes of {@code value}: a {@link Map} with String keys, {@link List},
   * {@link String}, {@link Boolean}, {@link Long}/{@link Integer}, or null.
   */
  public static byte[] encode(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder out, Object value) {
    switch (value) {
      case null -> out.append("null");
      case String s -> string(out, s);
      case Boolean b -> out.append(b);
      case Integer i -> out.append(i);
      case Long l -> out.append(l);
      case Map<?, ?> m -> {
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String key)) {
            throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
          }
          sorted.put(key, e.getValue());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(out, e.getKey());
          out.append(':');
          write(out, e.getValue());
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(out, list.get(i));
        }
        out.append(']');
      }
      default ->
          throw new IllegalArgumentException(
              "no canonical JSON for " + value.getClass().getSimpleName());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
