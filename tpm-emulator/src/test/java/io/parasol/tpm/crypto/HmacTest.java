package io.parasol.tpm.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class HmacTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  // RFC 4231 4.2 (Test Case 1) and RFC 2202 2 (test_case 1 for HMAC-SHA-1)
  @Test
  void rfc4231TestCase1() {
    byte[] key = filled(20, 0x0b);
    byte[] data = "Hi There".getBytes(US_ASCII);
    assertArrayEquals(
        HEX.parseHex("b617318655057264e28bc0b6fb378c8ef146be00"),
        Hmac.compute(HashAlgorithm.SHA1, key, data));
    assertArrayEquals(
        HEX.parseHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Hmac.compute(HashAlgorithm.SHA256, key, data));
    assertArrayEquals(
        HEX.parseHex(
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                + "faea9ea9076ede7f4af152e8b2fa9cb6"),
        Hmac.compute(HashAlgorithm.SHA384, key, data));
    assertArrayEquals(
        HEX.parseHex(
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        Hmac.compute(HashAlgorithm.SHA512, key, data));
  }

  // RFC 4231 4.3 (Test Case 2, key shorter than the output) and RFC 2202 test_case 2
  @Test
  void rfc4231TestCase2InPieces() {
    byte[] key = "Jefe".getBytes(US_ASCII);
    byte[] what = "what do ya want ".getBytes(US_ASCII);
    byte[] forNothing = "for nothing?".getBytes(US_ASCII);
    assertArrayEquals(
        HEX.parseHex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        Hmac.compute(HashAlgorithm.SHA1, key, what, forNothing));
    assertArrayEquals(
        HEX.parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Hmac.start(HashAlgorithm.SHA256, key).update(what).update(forNothing).finish());
    assertArrayEquals(
        HEX.parseHex(
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                + "8e2240ca5e69e2c78b3239ecfab21649"),
        Hmac.compute(HashAlgorithm.SHA384, key, what, forNothing));
    assertArrayEquals(
        HEX.parseHex(
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                + "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
        Hmac.compute(HashAlgorithm.SHA512, key, what, forNothing));
  }

  // RFC 4231 4.7 (Test Case 6: a key longer than the block size is hashed first)
  @Test
  void rfc4231TestCase6LongKey() {
    byte[] key = filled(131, 0xaa);
    byte[] data = "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(US_ASCII);
    assertArrayEquals(
        HEX.parseHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Hmac.compute(HashAlgorithm.SHA256, key, data));
    assertArrayEquals(
        HEX.parseHex(
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
        Hmac.compute(HashAlgorithm.SHA512, key, data));
  }

  @Test
  void emptyKeyMatchesAnIndependentHmac() {
    byte[] data = "an unbound, unsalted session".getBytes(US_ASCII);
    for (HashAlgorithm hash : HashAlgorithm.values()) {
      HMac bc = new HMac(hash.newBcDigest());
      bc.init(new KeyParameter(new byte[0]));
      bc.update(data, 0, data.length);
      byte[] expected = new byte[hash.digestSize()];
      bc.doFinal(expected, 0);
      assertArrayEquals(expected, Hmac.compute(hash, new byte[0], data), hash.name());
    }
  }

  @Test
  void finishResetsForReuse() {
    Hmac h = Hmac.start(HashAlgorithm.SHA256, "Jefe".getBytes(US_ASCII));
    byte[] first = h.update(new byte[] {1, 2, 3}).finish();
    byte[] second = h.update(new byte[] {1, 2, 3}).finish();
    assertArrayEquals(first, second);
  }
}
