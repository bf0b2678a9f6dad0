package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.parasol.tpm.state.proto.SealedStateFile;
import io.parasol.tpm.state.proto.SealedStateHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** Format version 1 of the sealed state file, checked against its description. */
class SealedStateFormatTest {

  private static final HexFormat HEX = HexFormat.of();

  private static final byte[] ROOT_KEY =
      HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] NONCE = HEX.parseHex("cafebabefacedbaddecaf888");
  private static final byte[] PAYLOAD =
      "NV and hierarchy state".getBytes(StandardCharsets.US_ASCII);

  /**
   * A file sealed today, kept as it was written: every later Parasol must read it. If this fails
   * after a change, the change broke existing vTPM states; bump the format version instead.
   */
  private static final String GOLDEN_FILE =
      "0a230d5354565010011a0a676f6c64656e3a6b657920052a0ccafebabefacedbaddecaf888"
          + "12265426062115db8d08bc42e824cc4b8768ddc6f70ac20fb17144d513fca7ab907be48a8c6bc20e";

  private static StateKeyDerivation keys() {
    return StateKeyDerivation.of(new StateKey("golden:key", new SecretKeySpec(ROOT_KEY, "AES")));
  }

  @Test
  void theFileIsWhatTheFormatDescriptionSays() throws Exception {
    byte[] file = SealedStateFormat.seal(keys(), 5, NONCE, PAYLOAD);
    SealedStateFile sealed = SealedStateFile.parseFrom(file);
    SealedStateHeader header = SealedStateHeader.parseFrom(sealed.getHeader());
    assertEquals(0x50565453, header.getMagic());
    assertEquals(1, header.getFormatVersion());
    assertEquals("golden:key", header.getKeyId());
    assertEquals(5, header.getGeneration());
    assertArrayEquals(NONCE, header.getNonce().toByteArray());

    // Independently: HKDF-SHA256 as documented, AES-256-GCM from Bouncy Castle (not the JDK's),
    // with the header's bytes as associated data.
    byte[] info =
        ByteBuffer.allocate(33 + 8)
            .put("parasol vTPM state v1 sealing key".getBytes(StandardCharsets.US_ASCII))
            .putLong(5)
            .array();
    byte[] sealingKey =
        StateKeyDerivation.hkdfSha256(
            ROOT_KEY, "parasol vTPM state v1".getBytes(StandardCharsets.US_ASCII), info, 32);
    GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(
        true,
        new AEADParameters(
            new KeyParameter(sealingKey), 128, NONCE, sealed.getHeader().toByteArray()));
    byte[] expected = new byte[gcm.getOutputSize(PAYLOAD.length)];
    int length = gcm.processBytes(PAYLOAD, 0, PAYLOAD.length, expected, 0);
    gcm.doFinal(expected, length);
    assertArrayEquals(expected, sealed.getCiphertext().toByteArray());
  }

  @Test
  void aFileWrittenEarlierStillReads() throws Exception {
    SealedStateFormat.Unsealed unsealed =
        SealedStateFormat.unseal(keys(), HEX.parseHex(GOLDEN_FILE), "golden");
    assertEquals(5, unsealed.generation());
    assertArrayEquals(PAYLOAD, unsealed.payload());
    assertEquals(GOLDEN_FILE, HEX.formatHex(SealedStateFormat.seal(keys(), 5, NONCE, PAYLOAD)));
  }

  @Test
  void anotherNonceGivesAnotherFileOfTheSameSize() throws Exception {
    byte[] a = SealedStateFormat.seal(keys(), 5, NONCE, PAYLOAD);
    byte[] otherNonce = NONCE.clone();
    otherNonce[0] ^= 1;
    byte[] b = SealedStateFormat.seal(keys(), 5, otherNonce, PAYLOAD);
    assertEquals(a.length, b.length);
    assertFalse(Arrays.equals(a, b));
  }

  /**
   * The state file comes from the host, which in confidential mode is the adversary: whatever its
   * bytes, unsealing either succeeds on the genuine file or throws one of the declared checked
   * exceptions, never anything else. (Seeded, so a failure repeats.)
   */
  @Test
  void mutatedFilesAreRefusedWithADeclaredException() {
    byte[] genuine = SealedStateFormat.seal(keys(), 5, NONCE, new byte[300]);
    java.util.Random random = new java.util.Random(20260101);
    StateKeyDerivation keys = keys();
    for (int i = 0; i < 5_000; i++) {
      byte[] mutated = mutate(genuine, random);
      if (Arrays.equals(mutated, genuine)) {
        continue;
      }
      try {
        SealedStateFormat.Unsealed unsealed = SealedStateFormat.unseal(keys, mutated, "fuzzed");
        // Only a mutation protobuf ignores (say, a duplicate field) may still authenticate, and
        // then it must give back the genuine content.
        assertEquals(5, unsealed.generation());
        assertArrayEquals(new byte[300], unsealed.payload());
      } catch (TpmStateException expected) {
        // Refused, with a reason.
      }
    }
  }

  private static byte[] mutate(byte[] genuine, java.util.Random random) {
    byte[] out = genuine.clone();
    switch (random.nextInt(4)) {
      case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
      case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
      case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      default -> {
        byte[] noise = new byte[random.nextInt(64)];
        random.nextBytes(noise);
        int at = random.nextInt(out.length);
        byte[] spliced = new byte[out.length + noise.length];
        System.arraycopy(out, 0, spliced, 0, at);
        System.arraycopy(noise, 0, spliced, at, noise.length);
        System.arraycopy(out, at, spliced, at + noise.length, out.length - at);
        out = spliced;
      }
    }
    return out;
  }
}
