package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class AesTest {
  private static final HexFormat HEX = HexFormat.of();

  // NIST SP 800-38A Appendix F: the common plaintext, keys, IV and initial counter.
  private static final byte[] PLAINTEXT =
      HEX.parseHex(
          "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
              + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  private static final byte[] KEY_128 = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
  private static final byte[] KEY_192 =
      HEX.parseHex("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
  private static final byte[] KEY_256 =
      HEX.parseHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  private static final byte[] IV = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
  private static final byte[] COUNTER = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");

  private static void assertVector(SymmetricMode mode, byte[] key, byte[] iv, String expectedHex)
      throws TpmCryptoException {
    byte[] expected = HEX.parseHex(expectedHex);
    Aes.Result enc = Aes.encrypt(mode, key, iv, PLAINTEXT);
    assertArrayEquals(expected, enc.data(), mode + " encrypt");
    Aes.Result dec = Aes.decrypt(mode, key, iv, expected);
    assertArrayEquals(PLAINTEXT, dec.data(), mode + " decrypt");
    assertArrayEquals(enc.ivOut(), dec.ivOut(), mode + " chaining value");
  }

  @Test
  void sp80038aAes128() throws TpmCryptoException {
    // F.1.1/F.1.2 ECB-AES128, F.2.1/F.2.2 CBC-AES128, F.3.13/F.3.14 CFB128-AES128,
    // F.4.1/F.4.2 OFB-AES128, F.5.1/F.5.2 CTR-AES128
    assertVector(
        SymmetricMode.ECB,
        KEY_128,
        null,
        "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
            + "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4");
    assertVector(
        SymmetricMode.CBC,
        KEY_128,
        IV,
        "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
            + "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
    assertVector(
        SymmetricMode.CFB,
        KEY_128,
        IV,
        "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
            + "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6");
    assertVector(
        SymmetricMode.OFB,
        KEY_128,
        IV,
        "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
            + "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e");
    assertVector(
        SymmetricMode.CTR,
        KEY_128,
        COUNTER,
        "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
            + "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
  }

  @Test
  void sp80038aAes192() throws TpmCryptoException {
    // F.1.3, F.2.3, F.3.15, F.4.3, F.5.3
    assertVector(
        SymmetricMode.ECB,
        KEY_192,
        null,
        "bd334f1d6e45f25ff712a214571fa5cc974104846d0ad3ad7734ecb3ecee4eef"
            + "ef7afd2270e2e60adce0ba2face6444e9a4b41ba738d6c72fb16691603c18e0e");
    assertVector(
        SymmetricMode.CBC,
        KEY_192,
        IV,
        "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
            + "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd");
    assertVector(
        SymmetricMode.CFB,
        KEY_192,
        IV,
        "cdc80d6fddf18cab34c25909c99a417467ce7f7f81173621961a2b70171d3d7a"
            + "2e1e8a1dd59b88b1c8e60fed1efac4c9c05f9f9ca9834fa042ae8fba584b09ff");
    assertVector(
        SymmetricMode.OFB,
        KEY_192,
        IV,
        "cdc80d6fddf18cab34c25909c99a4174fcc28b8d4c63837c09e81700c1100401"
            + "8d9a9aeac0f6596f559c6d4daf59a5f26d9f200857ca6c3e9cac524bd9acc92a");
    assertVector(
        SymmetricMode.CTR,
        KEY_192,
        COUNTER,
        "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94"
            + "1e36b26bd1ebc670d1bd1d665620abf74f78a7f6d29809585a97daec58c6b050");
  }

  @Test
  void sp80038aAes256() throws TpmCryptoException {
    // F.1.5, F.2.5, F.3.17, F.4.5, F.5.5
    assertVector(
        SymmetricMode.ECB,
        KEY_256,
        null,
        "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
            + "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7");
    assertVector(
        SymmetricMode.CBC,
        KEY_256,
        IV,
        "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
            + "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
    assertVector(
        SymmetricMode.CFB,
        KEY_256,
        IV,
        "dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407b"
            + "df10132415e54b92a13ed0a8267ae2f975a385741ab9cef82031623d55b1e471");
    assertVector(
        SymmetricMode.OFB,
        KEY_256,
        IV,
        "dc7e84bfda79164b7ecd8486985d38604febdc6740d20b3ac88f6ad82a4fb08d"
            + "71ab47a086e86eedf39d1c5bba97c4080126141d67f37be8538f5a8be740e484");
    assertVector(
        SymmetricMode.CTR,
        KEY_256,
        COUNTER,
        "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
            + "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
  }

  /**
   * The reference implementation's CryptSymmetricEncrypt/Decrypt, block by block over Bouncy
   * Castle's AES engine: an independent model of the output and of the chaining value.
   */
  private static byte[][] referenceModel(
      SymmetricMode mode, boolean encrypt, byte[] key, byte[] ivIn, byte[] in) {
    AESEngine aes = new AESEngine();
    aes.init(true, new KeyParameter(key));
    byte[] iv = ivIn.clone();
    byte[] out = new byte[in.length];
    byte[] tmp = new byte[16];
    for (int off = 0; off < in.length; off += 16) {
      int n = Math.min(16, in.length - off);
      aes.processBlock(iv, 0, tmp, 0);
      switch (mode) {
        case CFB -> {
          for (int i = 0; i < n; i++) {
            out[off + i] = (byte) (tmp[i] ^ in[off + i]);
            iv[i] = encrypt ? out[off + i] : in[off + i];
          }
          Arrays.fill(iv, n, 16, (byte) 0);
        }
        case OFB -> {
          System.arraycopy(tmp, 0, iv, 0, 16);
          for (int i = 0; i < n; i++) {
            out[off + i] = (byte) (tmp[i] ^ in[off + i]);
          }
        }
        case CTR -> {
          for (int i = 15; i >= 0 && ++iv[i] == 0; i--) {}
          for (int i = 0; i < n; i++) {
            out[off + i] = (byte) (tmp[i] ^ in[off + i]);
          }
        }
        default -> throw new IllegalArgumentException(mode.name());
      }
    }
    return new byte[][] {out, iv};
  }

  @Test
  void streamModesChainLikeTheReferenceImplementationForEveryLength() throws TpmCryptoException {
    Random r = new Random(42);
    for (SymmetricMode mode :
        new SymmetricMode[] {SymmetricMode.CFB, SymmetricMode.OFB, SymmetricMode.CTR}) {
      for (int length = 0; length <= 70; length++) {
        byte[] data = new byte[length];
        r.nextBytes(data);
        byte[] iv = new byte[16];
        r.nextBytes(iv);
        byte[][] expectEnc = referenceModel(mode, true, KEY_128, iv, data);
        Aes.Result enc = Aes.encrypt(mode, KEY_128, iv, data);
        assertArrayEquals(expectEnc[0], enc.data(), mode + " " + length);
        assertArrayEquals(expectEnc[1], enc.ivOut(), mode + " iv " + length);
        byte[][] expectDec = referenceModel(mode, false, KEY_128, iv, enc.data());
        Aes.Result dec = Aes.decrypt(mode, KEY_128, iv, enc.data());
        assertArrayEquals(data, dec.data(), mode + " round trip " + length);
        assertArrayEquals(expectDec[1], dec.ivOut(), mode + " dec iv " + length);
      }
    }
  }

  @Test
  void chainingValueContinuesAMessageInPieces() throws TpmCryptoException {
    for (SymmetricMode mode : SymmetricMode.values()) {
      byte[] iv = mode.usesIv() ? IV : null;
      Aes.Result whole = Aes.encrypt(mode, KEY_256, iv, PLAINTEXT);
      Aes.Result first = Aes.encrypt(mode, KEY_256, iv, Arrays.copyOf(PLAINTEXT, 32));
      Aes.Result second =
          Aes.encrypt(mode, KEY_256, first.ivOut(), Arrays.copyOfRange(PLAINTEXT, 32, 64));
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      joined.writeBytes(first.data());
      joined.writeBytes(second.data());
      assertArrayEquals(whole.data(), joined.toByteArray(), mode.name());
      assertArrayEquals(whole.ivOut(), second.ivOut(), mode.name());
    }
  }

  @Test
  void counterWrapsAround128Bits() throws TpmCryptoException {
    byte[] allOnes = new byte[16];
    Arrays.fill(allOnes, (byte) 0xFF);
    Aes.Result r = Aes.encrypt(SymmetricMode.CTR, KEY_128, allOnes, new byte[33]);
    byte[] expected = new byte[16];
    expected[15] = 2; // ff..ff + 3 blocks
    assertArrayEquals(expected, r.ivOut());
  }

  @Test
  void blockModesRejectPartialBlocksAndBadIvs() {
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () -> Aes.encrypt(SymmetricMode.CBC, KEY_128, IV, new byte[17]));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> Aes.decrypt(SymmetricMode.ECB, KEY_128, null, new byte[15]));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> Aes.encrypt(SymmetricMode.CFB, KEY_128, new byte[8], new byte[16]));
    assertEquals(TpmCryptoException.Kind.SIZE, e.kind());
    assertThrows(
        IllegalArgumentException.class,
        () -> Aes.encrypt(SymmetricMode.CFB, new byte[20], IV, new byte[16]));
  }

  @Test
  void emptyInputKeepsTheIv() throws TpmCryptoException {
    Aes.Result r = Aes.encrypt(SymmetricMode.CBC, KEY_128, IV, new byte[0]);
    assertEquals(0, r.data().length);
    assertArrayEquals(IV, r.ivOut());
    assertEquals(0, Aes.encrypt(SymmetricMode.ECB, KEY_128, null, new byte[0]).ivOut().length);
  }

  @Test
  void algorithmIdsRoundTrip() {
    for (SymmetricMode m : SymmetricMode.values()) {
      assertEquals(m, SymmetricMode.fromAlgId(m.algId()).orElseThrow());
    }
    assertEquals(0x0043, SymmetricMode.CFB.algId());
  }
}
