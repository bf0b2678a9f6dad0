package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.agreement.kdf.ConcatenationKDFGenerator;
import org.bouncycastle.crypto.generators.KDFCounterBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KDFCounterParameters;
import org.bouncycastle.crypto.params.KDFParameters;
import org.junit.jupiter.api.Test;

class KdfTest {
  private static final HexFormat HEX = HexFormat.of();

  // The KDFa self-test vector of the TCG reference implementation (KdfTestData.h, used by
  // TestKDFa in AlgorithmTests.c): 160 bits, a label that carries its own 0x00.
  private static final byte[] TCG_KEY = HEX.parseHex("271fa08bbdc5060ec3dfa928ff9b73123a12da0c");
  private static final byte[] TCG_LABEL = HEX.parseHex("4b444653454c46544553544c4142454c00");
  private static final byte[] TCG_CONTEXT_U = HEX.parseHex("ce244f395dca7391");
  private static final byte[] TCG_CONTEXT_V = HEX.parseHex("da504031ddf12e83");

  @Test
  void kdfaMatchesTcgSelfTestVectors() {
    String[][] vectors = {
      {"SHA1", "55b5a7184aa07423c47dae766c26a2377d7cf851"},
      {"SHA256", "bb0259e1c8ba607e6a2cd704b69a902e9ade84c4"},
      {"SHA384", "1dce70c9113eb2dba47bd9cfc72bf46f45b09312"},
      {"SHA512", "8be2c1b85b78569b9fa759f5857c56d684810fd3"},
    };
    for (String[] v : vectors) {
      HashAlgorithm hash = HashAlgorithm.valueOf(v[0]);
      assertArrayEquals(
          HEX.parseHex(v[1]),
          Kdf.kdfa(hash, TCG_KEY, TCG_LABEL, TCG_CONTEXT_U, TCG_CONTEXT_V, 160),
          hash.name());
    }
  }

  @Test
  void stringLabelGetsItsTerminatorAddedOnce() {
    byte[] withString =
        Kdf.kdfa(
            HashAlgorithm.SHA256, TCG_KEY, "KDFSELFTESTLABEL", TCG_CONTEXT_U, TCG_CONTEXT_V, 160);
    assertArrayEquals(HEX.parseHex("bb0259e1c8ba607e6a2cd704b69a902e9ade84c4"), withString);
  }

  /** KDFa as NIST SP 800-108 counter mode, computed by Bouncy Castle's independent generator. */
  private static byte[] sp800108(
      HashAlgorithm hash, byte[] key, byte[] labelWithZero, byte[] u, byte[] v, int bits) {
    ByteArrayOutputStream fixed = new ByteArrayOutputStream();
    fixed.writeBytes(labelWithZero);
    fixed.writeBytes(u);
    fixed.writeBytes(v);
    fixed.writeBytes(
        new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
    KDFCounterBytesGenerator kdf = new KDFCounterBytesGenerator(new HMac(hash.newBcDigest()));
    kdf.init(new KDFCounterParameters(key, new byte[0], fixed.toByteArray(), 32));
    byte[] out = new byte[(bits + 7) / 8];
    kdf.generateBytes(out, 0, out.length);
    return out;
  }

  @Test
  void kdfaMatchesSp800108CounterModeOverSeveralBlocks() {
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    byte[] u = HEX.parseHex("a1a2a3a4");
    byte[] v = HEX.parseHex("b1b2b3b4b5b6b7b8");
    for (HashAlgorithm hash : HashAlgorithm.values()) {
      for (int bits : new int[] {128, 256, 384, 1000 * 8}) {
        assertArrayEquals(
            sp800108(hash, key, "STORAGE\0".getBytes(), u, v, bits),
            Kdf.kdfa(hash, key, "STORAGE", u, v, bits),
            hash + " " + bits);
      }
    }
  }

  @Test
  void kdfaWithoutContextsOrLabel() {
    byte[] key = HEX.parseHex("5eed");
    assertArrayEquals(
        sp800108(HashAlgorithm.SHA256, key, new byte[] {0}, new byte[0], new byte[0], 256),
        Kdf.kdfa(HashAlgorithm.SHA256, key, new byte[0], null, null, 256));
    assertArrayEquals(
        Kdf.kdfa(HashAlgorithm.SHA256, key, (byte[]) null, null, null, 256),
        Kdf.kdfa(HashAlgorithm.SHA256, key, "", null, null, 256));
  }

  @Test
  void partialBytesAreMaskedAtTheTop() {
    byte[] key = HEX.parseHex("5eed");
    byte[] k = Kdf.kdfa(HashAlgorithm.SHA256, key, "PARTIAL", null, null, 12);
    assertEquals(2, k.length);
    assertEquals(0, k[0] & 0xF0);
    // The bits are part of the HMAC input, so the value is not a prefix of a 16-bit request.
    byte[] k16 = Kdf.kdfa(HashAlgorithm.SHA256, key, "PARTIAL", null, null, 16);
    assertFalse(Arrays.equals(k, k16));
  }

  @Test
  void kdfeMatchesSp80056aConcatenationKdf() {
    byte[] z = HEX.parseHex("52a91c4e8ef0b6a5e02e6a2f5e0e2e1cd0c66bd6e2a95d4bd1e8c8d75e33c1b4");
    byte[] partyU =
        HEX.parseHex("01020304050607080910111213141516171819202122232425262728293031ff");
    byte[] partyV =
        HEX.parseHex("ff0102030405060708091011121314151617181920212223242526272829303f");
    for (HashAlgorithm hash : HashAlgorithm.values()) {
      for (int bits : new int[] {160, 256, 512, 1024}) {
        ByteArrayOutputStream otherInfo = new ByteArrayOutputStream();
        otherInfo.writeBytes("DUPLICATE\0".getBytes());
        otherInfo.writeBytes(partyU);
        otherInfo.writeBytes(partyV);
        ConcatenationKDFGenerator bc = new ConcatenationKDFGenerator(hash.newBcDigest());
        bc.init(new KDFParameters(z, otherInfo.toByteArray()));
        byte[] expected = new byte[bits / 8];
        bc.generateBytes(expected, 0, expected.length);
        assertArrayEquals(
            expected, Kdf.kdfe(hash, z, "DUPLICATE", partyU, partyV, bits), hash + " " + bits);
      }
    }
  }

  @Test
  void rejectsImpossibleSizes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Kdf.kdfa(HashAlgorithm.SHA256, new byte[1], "X", null, null, -8));
    assertThrows(
        IllegalArgumentException.class,
        () -> Kdf.kdfa(HashAlgorithm.SHA256, new byte[1], "X", null, null, Kdf.MAX_BITS + 8));
    assertEquals(0, Kdf.kdfa(HashAlgorithm.SHA256, new byte[1], "X", null, null, 0).length);
  }
}
