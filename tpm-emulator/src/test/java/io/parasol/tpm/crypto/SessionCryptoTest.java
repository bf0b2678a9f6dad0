package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SessionCryptoTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] NONCE_CALLER = HEX.parseHex("c0".repeat(32));
  private static final byte[] NONCE_TPM = HEX.parseHex("7e".repeat(32));
  private static final byte[] PARAMETER = "a TPM2B parameter, 37 bytes long....".getBytes();

  @Test
  void sessionKeyIsEmptyUnlessBoundOrSalted() {
    assertEquals(
        0,
        SessionCrypto.sessionKey(
                HashAlgorithm.SHA256, new byte[0], new byte[0], NONCE_TPM, NONCE_CALLER)
            .length);
    byte[] auth = "owner".getBytes();
    byte[] salt = HEX.parseHex("5a17");
    byte[] key =
        SessionCrypto.sessionKey(HashAlgorithm.SHA384, auth, salt, NONCE_TPM, NONCE_CALLER);
    byte[] material = HEX.parseHex(HEX.formatHex(auth) + "5a17");
    assertArrayEquals(
        Kdf.kdfa(HashAlgorithm.SHA384, material, "ATH", NONCE_TPM, NONCE_CALLER, 384), key);
  }

  @Test
  void xorIsKdfaMaskAndItsOwnInverse() {
    byte[] sessionValue = HEX.parseHex("0102030405");
    byte[] masked =
        SessionCrypto.xor(HashAlgorithm.SHA256, sessionValue, NONCE_CALLER, NONCE_TPM, PARAMETER);
    byte[] mask =
        Kdf.kdfa(
            HashAlgorithm.SHA256,
            sessionValue,
            "XOR",
            NONCE_CALLER,
            NONCE_TPM,
            PARAMETER.length * 8);
    for (int i = 0; i < PARAMETER.length; i++) {
      assertEquals((byte) (PARAMETER[i] ^ mask[i]), masked[i]);
    }
    assertArrayEquals(
        PARAMETER,
        SessionCrypto.xor(HashAlgorithm.SHA256, sessionValue, NONCE_CALLER, NONCE_TPM, masked));
  }

  @Test
  void cfbUsesKdfaKeyAndIv() throws Exception {
    byte[] sessionValue = HEX.parseHex("aa".repeat(32) + "bb".repeat(4));
    byte[] enc =
        SessionCrypto.cfb(
            true, HashAlgorithm.SHA256, 128, sessionValue, NONCE_CALLER, NONCE_TPM, PARAMETER);
    byte[] keyIv =
        Kdf.kdfa(HashAlgorithm.SHA256, sessionValue, "CFB", NONCE_CALLER, NONCE_TPM, 256);
    Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(Arrays.copyOf(keyIv, 16), "AES"),
        new IvParameterSpec(Arrays.copyOfRange(keyIv, 16, 32)));
    assertArrayEquals(c.doFinal(PARAMETER), enc);
    assertFalse(Arrays.equals(PARAMETER, enc));
    assertArrayEquals(
        PARAMETER,
        SessionCrypto.cfb(
            false, HashAlgorithm.SHA256, 128, sessionValue, NONCE_CALLER, NONCE_TPM, enc));
    // the response direction swaps the nonces, and so the key
    assertFalse(
        Arrays.equals(
            enc,
            SessionCrypto.cfb(
                true,
                HashAlgorithm.SHA256,
                128,
                sessionValue,
                NONCE_TPM,
                NONCE_CALLER,
                PARAMETER)));
  }
}
