package io.parasol.igvm.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.Vectors;
import io.parasol.igvm.measure.LaunchMeasurements;
import io.parasol.igvm.sign.IdBlockSigner;
import io.parasol.igvm.sign.P384Key;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferenceValuesTest {
  @Test
  void jsonNamesDigestPolicySvnAndTheSignedIdBlock() throws Exception {
    IgvmFile signed =
        IdBlockSigner.sign(
            Vectors.parse("multi_platform.igvm"),
            new IdBlockSigner.Identity(Blob.zeros(16), Blob.zeros(16), 9),
            P384Key.of(BigInteger.valueOf(123456789)),
            Optional.empty());
    JsonNode json = ReferenceValues.of("multi", signed).toJson();
    JsonNode platforms = json.get("platforms");
    assertEquals(3, platforms.size());
    JsonNode snp = platforms.get(0);
    assertEquals("SEV_SNP", snp.get("platform").asText());
    assertEquals(
        "c7026e8bbefc2511f08232d7a5852577d0cfda44ffb62d0d552d7605da49310cd788e96427161e665300071ef8cd9671",
        snp.get("digest").asText());
    assertEquals(snp.get("digest").asText(), snp.get("idBlock").get("ld").asText());
    assertEquals(9, snp.get("svn").asLong());
    assertTrue(snp.get("idBlock").get("verified").asBoolean());
    assertTrue(snp.get("policy").asText().startsWith("0x"), snp.toString());
    assertEquals("TDX", platforms.get(1).get("platform").asText());
    assertEquals(
        "ab915086aa38fb3ad9c87afcb2f565e661447cd1b7224415638f892626216e2a",
        platforms.get(2).get("digest").asText());
  }

  @Test
  @SuppressWarnings("unchecked")
  void corimCarriesTheSameValues() throws Exception {
    IgvmFile file = Vectors.parse("multi_platform.igvm");
    ReferenceValues values = ReferenceValues.of("multi", file);
    byte[] corim = values.toCorim();
    assertArrayEquals(corim, ReferenceValues.of("multi", file).toCorim(), "deterministic");
    Cbor.Tagged outer = (Cbor.Tagged) CborReader.decode(corim);
    assertEquals(501L, outer.tag());
    Map<Object, Object> corimMap = (Map<Object, Object>) outer.value();
    assertEquals("multi", corimMap.get(0L));
    Cbor.Tagged comidTag = (Cbor.Tagged) ((List<Object>) corimMap.get(1L)).getFirst();
    assertEquals(506L, comidTag.tag());
    Map<Object, Object> comid = (Map<Object, Object>) CborReader.decode((byte[]) comidTag.value());
    List<Object> triples = (List<Object>) ((Map<Object, Object>) comid.get(4L)).get(0L);
    assertEquals(3, triples.size());
    var measured = LaunchMeasurements.of(file);
    for (int i = 0; i < 3; i++) {
      List<Object> triple = (List<Object>) triples.get(i);
      Map<Object, Object> launch = (Map<Object, Object>) ((List<Object>) triple.get(1)).getFirst();
      assertEquals("launch-digest", launch.get(0L));
      List<Object> digest =
          (List<Object>) ((List<Object>) ((Map<Object, Object>) launch.get(1L)).get(2L)).getFirst();
      assertEquals(i == 2 ? 1L : 7L, digest.get(0));
      assertEquals(measured.get(i).hex(), HexFormat.of().formatHex((byte[]) digest.get(1)));
    }
  }
}
