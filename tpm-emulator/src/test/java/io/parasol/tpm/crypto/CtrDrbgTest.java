package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CtrDrbgTest {
  private static final HexFormat HEX = HexFormat.of();

  // NIST CAVP DRBG test vectors (CAVS 14.3), drbgvectors_no_reseed/CTR_DRBG.rsp, [AES-256 no df],
  // [PredictionResistance = False], EntropyInputLen = 384, NonceLen = 0,
  // PersonalizationStringLen = 0, AdditionalInputLen = 0, ReturnedBitsLen = 512, COUNT = 0:
  // instantiate, generate 512 bits (discarded), generate 512 bits = ReturnedBits.
  @Test
  void cavpAes256NoDfCount0() {
    CtrDrbg drbg =
        CtrDrbg.instantiate(
            HEX.parseHex(
                "df5d73faa468649edda33b5cca79b0b05600419ccb7a879ddfec9db32ee494e5"
                    + "531b51de16a30f769262474c73bec010"),
            null);
    byte[] out = new byte[64];
    drbg.nextBytes(out);
    drbg.nextBytes(out);
    assertArrayEquals(
        HEX.parseHex(
            "d1c07cd95af8a7f11012c84ce48bb8cb87189e99d40fccb1771c619bdf82ab22"
                + "80b1dc2f2581f39164f7ac0c510494b3a43c41b7db17514c87b107ae793e01c5"),
        out);
  }

  @Test
  void seededStreamsAreReproducibleAndLabelled() {
    byte[] seed = HEX.parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    byte[] name = HEX.parseHex("000b0102030405");
    byte[] a = new byte[100];
    byte[] b = new byte[100];
    byte[] c = new byte[100];
    CtrDrbg.fromSeed(HashAlgorithm.SHA256, seed, CtrDrbg.PRIMARY_OBJECT_CREATION, name, null)
        .nextBytes(a);
    CtrDrbg.fromSeed(HashAlgorithm.SHA256, seed, CtrDrbg.PRIMARY_OBJECT_CREATION, name, null)
        .nextBytes(b);
    CtrDrbg.fromSeed(HashAlgorithm.SHA256, seed, "another purpose", name, null).nextBytes(c);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void refusesToBeReseededThroughSecureRandom() {
    CtrDrbg drbg = CtrDrbg.instantiate(new byte[CtrDrbg.SEED_BYTES], null);
    assertThrows(UnsupportedOperationException.class, () -> drbg.setSeed(new byte[] {1}));
    assertThrows(IllegalArgumentException.class, () -> CtrDrbg.instantiate(new byte[47], null));
  }
}
