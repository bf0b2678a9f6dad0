package io.parasol.igvm.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8949 Appendix A examples. */
class CborTest {
  private static String hex(Object value) {
    return HexFormat.of().formatHex(Cbor.encode(value));
  }

  @Test
  void rfc8949Examples() {
    assertEquals("00", hex(0));
    assertEquals("17", hex(23));
    assertEquals("1818", hex(24));
    assertEquals("1903e8", hex(1000));
    assertEquals("1a000f4240", hex(1000000));
    assertEquals("1b000000e8d4a51000", hex(1000000000000L));
    assertEquals("20", hex(-1));
    assertEquals("3863", hex(-100));
    assertEquals("40", hex(new byte[0]));
    assertEquals("4401020304", hex(new byte[] {1, 2, 3, 4}));
    assertEquals("6449455446", hex("IETF"));
    assertEquals("62c3bc", hex("\u00fc"));
    assertEquals("83010203", hex(List.of(1, 2, 3)));
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(1, 2);
    map.put(3, 4);
    assertEquals("a201020304", hex(map));
    assertEquals("c11a514b67b0", hex(new Cbor.Tagged(1, 1363896240L)));
    assertEquals("f5", hex(true));
    assertEquals("f6", hex(null));
  }
}
