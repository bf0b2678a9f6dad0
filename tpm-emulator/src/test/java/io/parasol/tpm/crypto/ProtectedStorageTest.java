package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class ProtectedStorageTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEED =
      HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
  private static final byte[] NAME = HEX.parseHex("000b" + "5a".repeat(32));
  // a marshalled TPM2B_SENSITIVE-like buffer: size, then content
  private static final byte[] SENSITIVE =
      HEX.parseHex("0012" + "0001" + "0000" + "0000" + "0020" + "33".repeat(8));

  /** Part 1, 22.4/22.5 computed step by step with the JDK's AES-CFB and Bouncy Castle's HMAC. */
  @Test
  void outerWrapIsTheSpecifiedComposition() throws Exception {
    byte[] wrapped = ProtectedStorage.wrapOuter(HashAlgorithm.SHA256, 128, SEED, NAME, SENSITIVE);

    byte[] symKey = Kdf.kdfa(HashAlgorithm.SHA256, SEED, "STORAGE", NAME, null, 128);
    Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
    cfb.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
    byte[] enc = cfb.doFinal(SENSITIVE);
    byte[] hmacKey = Kdf.kdfa(HashAlgorithm.SHA256, SEED, "INTEGRITY", null, null, 256);
    HMac hmac = new HMac(HashAlgorithm.SHA256.newBcDigest());
    hmac.init(new KeyParameter(hmacKey));
    hmac.update(enc, 0, enc.length);
    hmac.update(NAME, 0, NAME.length);
    byte[] integrity = new byte[32];
    hmac.doFinal(integrity, 0);

    assertEquals(2 + 32 + SENSITIVE.length, wrapped.length);
    assertArrayEquals(new byte[] {0, 32}, Arrays.copyOf(wrapped, 2));
    assertArrayEquals(integrity, Arrays.copyOfRange(wrapped, 2, 34));
    assertArrayEquals(enc, Arrays.copyOfRange(wrapped, 34, wrapped.length));
    assertArrayEquals(
        SENSITIVE, ProtectedStorage.unwrapOuter(HashAlgorithm.SHA256, 128, SEED, NAME, wrapped));
  }

  private static void assertKind(TpmCryptoException.Kind kind, byte[] name, byte[] wrapped) {
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () -> ProtectedStorage.unwrapOuter(HashAlgorithm.SHA384, 256, SEED, name, wrapped));
    assertEquals(kind, e.kind());
  }

  @Test
  void outerWrapDetectsTamperingAndTheWrongObject() {
    byte[] wrapped = ProtectedStorage.wrapOuter(HashAlgorithm.SHA384, 256, SEED, NAME, SENSITIVE);
    for (int i : new int[] {2, 40, wrapped.length - 1}) {
      byte[] tampered = wrapped.clone();
      tampered[i] ^= 0x01;
      assertKind(TpmCryptoException.Kind.INTEGRITY, NAME, tampered);
    }
    byte[] otherName = NAME.clone();
    otherName[5] ^= 1;
    assertKind(TpmCryptoException.Kind.INTEGRITY, otherName, wrapped);
    byte[] wrongSize = wrapped.clone();
    wrongSize[1] = 32;
    assertKind(TpmCryptoException.Kind.INTEGRITY, NAME, wrongSize);
    assertKind(TpmCryptoException.Kind.SIZE, NAME, new byte[1]);
    assertKind(TpmCryptoException.Kind.SIZE, NAME, Arrays.copyOf(wrapped, 20));
  }

  @Test
  void innerWrapRoundTripsAndDetectsTampering() throws TpmCryptoException {
    byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    byte[] wrapped = ProtectedStorage.wrapInner(HashAlgorithm.SHA256, key, NAME, SENSITIVE);
    assertEquals(2 + 32 + SENSITIVE.length, wrapped.length);
    assertArrayEquals(
        SENSITIVE, ProtectedStorage.unwrapInner(HashAlgorithm.SHA256, key, NAME, wrapped));
    byte[] tampered = wrapped.clone();
    tampered[tampered.length - 3] ^= 0x10;
    TpmCryptoException e =
        assertThrows(
            TpmCryptoException.class,
            () -> ProtectedStorage.unwrapInner(HashAlgorithm.SHA256, key, NAME, tampered));
    assertEquals(TpmCryptoException.Kind.INTEGRITY, e.kind());
    byte[] otherKey = key.clone();
    otherKey[0] = 1;
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> ProtectedStorage.unwrapInner(HashAlgorithm.SHA256, otherKey, NAME, wrapped));
    assertEquals(TpmCryptoException.Kind.INTEGRITY, e.kind());
    e =
        assertThrows(
            TpmCryptoException.class,
            () -> ProtectedStorage.unwrapInner(HashAlgorithm.SHA256, key, NAME, new byte[0]));
    assertEquals(TpmCryptoException.Kind.INTEGRITY, e.kind());
  }
}
