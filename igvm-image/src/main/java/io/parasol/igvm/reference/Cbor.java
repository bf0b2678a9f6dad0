package io.parasol.igvm.reference;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A small deterministic CBOR encoder (RFC 8949 §4.2.1 core deterministic encoding: shortest
 * argument forms, definite lengths; map keys are written in the order given, and callers give
 * integer keys in ascending order). Values: Long/Integer (unsigned or negative), byte[], String,
 * List, Map (insertion ordered), Boolean, null, and {@link Tagged}.
 */
public final class Cbor {
  /** A tagged data item (major type 6). */
  public record Tagged(long tag, Object value) {}

  private Cbor() {}

  public static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object value) {
    switch (value) {
      case null -> out.write(0xF6);
      case Boolean b -> out.write(b ? 0xF5 : 0xF4);
      case Integer i -> write(out, (long) i);
      case Long l -> {
        if (l >= 0) {
          head(out, 0, l);
        } else {
          head(out, 1, -1 - l);
        }
      }
      case byte[] bytes -> {
        head(out, 2, bytes.length);
        out.writeBytes(bytes);
      }
      case String s -> {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        head(out, 3, utf8.length);
        out.writeBytes(utf8);
      }
      case List<?> list -> {
        head(out, 4, list.size());
        for (Object item : list) {
          write(out, item);
        }
      }
      case Map<?, ?> map -> {
        head(out, 5, map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          write(out, e.getKey());
          write(out, e.getValue());
        }
      }
      case Tagged t -> {
        head(out, 6, t.tag());
        write(out, t.value());
      }
      default ->
          throw new IllegalArgumentException("no CBOR encoding for " + value.getClass().getName());
    }
  }

  private static void head(ByteArrayOutputStream out, int major, long argument) {
    int m = major << 5;
    if (argument < 24) {
      out.write(m | (int) argument);
    } else if (argument <= 0xFF) {
      out.write(m | 24);
      out.write((int) argument);
    } else if (argument <= 0xFFFF) {
      out.write(m | 25);
      be(out, argument, 2);
    } else if (argument <= 0xFFFF_FFFFL) {
      out.write(m | 26);
      be(out, argument, 4);
    } else {
      out.write(m | 27);
      be(out, argument, 8);
    }
  }

  private static void be(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
