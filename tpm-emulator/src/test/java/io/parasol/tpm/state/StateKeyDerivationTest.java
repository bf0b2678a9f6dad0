package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StateKeyDerivationTest {

  private static final HexFormat HEX = HexFormat.of();

  // RFC 5869 Appendix A.1, Test Case 1 (basic test case with SHA-256).
  @Test
  void hkdfSha256MatchesRfc5869TestCase1() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    byte[] okm = StateKeyDerivation.hkdfSha256(ikm, salt, info, 42);
    assertEquals(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
        HEX.formatHex(okm));
  }

  // RFC 5869 Appendix A.3, Test Case 3 (SHA-256, zero-length salt and info).
  @Test
  void hkdfSha256MatchesRfc5869TestCase3() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] okm = StateKeyDerivation.hkdfSha256(ikm, new byte[0], new byte[0], 42);
    assertEquals(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        HEX.formatHex(okm));
  }

  @Test
  void sealingKeysFollowTheDocumentedDerivation() {
    byte[] root = new byte[32];
    Arrays.fill(root, (byte) 0x42);
    StateKeyDerivation keys =
        StateKeyDerivation.of(new StateKey("test:1", new SecretKeySpec(root, "AES")));
    // The class comment's construction, computed with plain HKDF.
    byte[] info = Arrays.copyOf("parasol vTPM state v1 sealing key".getBytes(), 33 + 8);
    info[info.length - 1] = 7;
    byte[] expected =
        StateKeyDerivation.hkdfSha256(root, "parasol vTPM state v1".getBytes(), info, 32);
    assertArrayEquals(expected, keys.sealingKey(7).getEncoded());
    byte[] anchor =
        StateKeyDerivation.hkdfSha256(
            root,
            "parasol vTPM state v1".getBytes(),
            "parasol vTPM state v1 rollback anchor".getBytes(),
            32);
    assertArrayEquals(anchor, keys.anchorMacKey().getEncoded());
  }

  @Test
  void everyGenerationHasItsOwnKeyAndNoneIsTheAnchorKey() {
    byte[] root = new byte[32];
    StateKeyDerivation keys =
        StateKeyDerivation.of(new StateKey("test:1", new SecretKeySpec(root, "AES")));
    byte[] first = keys.sealingKey(1).getEncoded();
    byte[] second = keys.sealingKey(2).getEncoded();
    assertFalse(Arrays.equals(first, second));
    assertFalse(Arrays.equals(first, keys.anchorMacKey().getEncoded()));
    assertFalse(Arrays.equals(first, root));
  }
}
