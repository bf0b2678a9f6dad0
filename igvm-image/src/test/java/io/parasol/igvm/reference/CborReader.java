package io.parasol.igvm.reference;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal CBOR decoder for tests: the subset {@link Cbor} writes. */
final class CborReader {
  private final byte[] in;
  private int at;

  private CborReader(byte[] in) {
    this.in = in;
  }

  static Object decode(byte[] bytes) {
    CborReader r = new CborReader(bytes);
    Object value = r.read();
    if (r.at != bytes.length) {
      throw new IllegalArgumentException("trailing bytes");
    }
    return value;
  }

  private Object read() {
    int initial = in[at++] & 0xFF;
    int major = initial >>> 5;
    int info = initial & 31;
    if (major == 7) {
      return switch (info) {
        case 20 -> false;
        case 21 -> true;
        case 22 -> null;
        default -> throw new IllegalArgumentException("simple " + info);
      };
    }
    long arg = info < 24 ? info : readBe(1 << (info - 24));
    return switch (major) {
      case 0 -> arg;
      case 1 -> -1 - arg;
      case 2 -> bytes((int) arg);
      case 3 -> new String(bytes((int) arg), StandardCharsets.UTF_8);
      case 4 -> {
        List<Object> list = new ArrayList<>();
        for (long i = 0; i < arg; i++) {
          list.add(read());
        }
        yield list;
      }
      case 5 -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (long i = 0; i < arg; i++) {
          map.put(read(), read());
        }
        yield map;
      }
      default -> new Cbor.Tagged(arg, read());
    };
  }

  private long readBe(int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | (in[at++] & 0xFF);
    }
    return v;
  }

  private byte[] bytes(int n) {
    byte[] b = java.util.Arrays.copyOfRange(in, at, at + n);
    at += n;
    return b;
  }
}
