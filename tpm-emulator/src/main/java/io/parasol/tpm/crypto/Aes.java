package io.parasol.tpm.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128/192/256 (FIPS 197; {@code TPM_ALG_AES}) in the TPM's block modes with the IV chaining of
 * {@code TPM2_EncryptDecrypt} (TPM 2.0 Part 3, 15.2): each operation returns the IV to pass to the
 * next one so that a long message can be processed in pieces.
 *
 * <p>The chaining value returned, following the reference implementation ({@code
 * CryptSymmetricEncrypt}/{@code Decrypt}):
 *
 * <ul>
 *   <li>CBC: the last ciphertext block;
 *   <li>CFB: the last ciphertext block; after a partial block, its ciphertext bytes followed by
 *       zeros;
 *   <li>OFB: the last keystream block;
 *   <li>CTR: the counter after the last block used (a partial block consumes a counter);
 *   <li>ECB: an empty IV.
 * </ul>
 *
 * CBC and ECB take whole blocks only (no padding); CFB, OFB and CTR take any length, and an empty
 * input leaves the IV unchanged. Backed by the JDK's AES, which uses the CPU's AES instructions.
 */
public final class Aes {
  /** The AES block size in bytes (also the IV size). */
  public static final int BLOCK_BYTES = 16;

  private Aes() {}

  /** The output of one operation: the data and the chaining value for the next operation. */
  public record Result(byte[] data, byte[] ivOut) {}

  /** Whether {@code bits} is an AES key size (128, 192 or 256). */
  public static boolean isKeySize(int bits) {
    return bits == 128 || bits == 192 || bits == 256;
  }

  /**
   * Encrypts {@code data}.
   *
   * @param key 16, 24 or 32 bytes
   * @param iv {@link #BLOCK_BYTES} bytes; ignored (may be null or empty) for ECB
   * @throws TpmCryptoException {@code SIZE} if the IV has the wrong size or CBC/ECB data is not a
   *     whole number of blocks
   */
  public static Result encrypt(SymmetricMode mode, byte[] key, byte[] iv, byte[] data)
      throws TpmCryptoException {
    return run(mode, true, key, iv, data);
  }

  /** Decrypts {@code data}; see {@link #encrypt}. */
  public static Result decrypt(SymmetricMode mode, byte[] key, byte[] iv, byte[] data)
      throws TpmCryptoException {
    return run(mode, false, key, iv, data);
  }

  /**
   * AES-CFB with a zero IV, as the TPM protects sensitive areas, credentials and contexts (Part 1,
   * 22.4 Symmetric Encryption: the key is unique per object, so the IV is zero).
   */
  public static byte[] cfbZeroIv(boolean encrypt, byte[] key, byte[] data) {
    try {
      return run(SymmetricMode.CFB, encrypt, key, new byte[BLOCK_BYTES], data).data();
    } catch (TpmCryptoException e) {
      throw new IllegalStateException("CFB with a zero IV cannot fail", e);
    }
  }

  private static Result run(SymmetricMode mode, boolean encrypt, byte[] key, byte[] iv, byte[] data)
      throws TpmCryptoException {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(data, "data");
    if (key == null || !isKeySize(key.length * 8)) {
      throw new IllegalArgumentException("AES key of " + (key == null ? 0 : key.length) + " bytes");
    }
    if (mode.usesIv() && (iv == null || iv.length != BLOCK_BYTES)) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.SIZE, "AES-" + mode + " IV must be " + BLOCK_BYTES + " bytes");
    }
    if (mode.requiresWholeBlocks() && data.length % BLOCK_BYTES != 0) {
      throw new TpmCryptoException(
          TpmCryptoException.Kind.SIZE, "AES-" + mode + " data is not a whole number of blocks");
    }
    if (data.length == 0) {
      return new Result(new byte[0], mode.usesIv() ? iv.clone() : new byte[0]);
    }
    // The stream modes run over whole blocks (zero-padded) so that the final keystream block is
    // known; the output is then cut back to the input length.
    int partial = data.length % BLOCK_BYTES;
    byte[] input = partial == 0 ? data : Arrays.copyOf(data, data.length + BLOCK_BYTES - partial);
    byte[] output = jdk(mode, encrypt, key, iv, input);
    byte[] result = input == data ? output : Arrays.copyOf(output, data.length);
    byte[] ciphertext = encrypt ? output : input;
    byte[] ivOut =
        switch (mode) {
          case ECB -> new byte[0];
          case CBC -> lastBlock(ciphertext);
          case CFB -> {
            byte[] last = lastBlock(ciphertext);
            if (partial != 0) {
              Arrays.fill(last, partial, BLOCK_BYTES, (byte) 0);
            }
            yield last;
          }
          case OFB -> {
            byte[] keystream = lastBlock(output);
            byte[] in = lastBlock(input);
            for (int i = 0; i < BLOCK_BYTES; i++) {
              keystream[i] ^= in[i];
            }
            yield keystream;
          }
          case CTR -> addToCounter(iv, input.length / BLOCK_BYTES);
        };
    return new Result(result, ivOut);
  }

  private static byte[] jdk(SymmetricMode mode, boolean encrypt, byte[] key, byte[] iv, byte[] in) {
    try {
      Cipher cipher = Cipher.getInstance("AES/" + mode.name() + "/NoPadding");
      SecretKeySpec keySpec = new SecretKeySpec(key, "AES");
      int op = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
      if (mode.usesIv()) {
        cipher.init(op, keySpec, new IvParameterSpec(iv));
      } else {
        cipher.init(op, keySpec);
      }
      return cipher.doFinal(in);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot do AES-" + mode, e);
    }
  }

  private static byte[] lastBlock(byte[] data) {
    return Arrays.copyOfRange(data, data.length - BLOCK_BYTES, data.length);
  }

  /** {@code counter + blocks} modulo 2^128, big-endian. */
  private static byte[] addToCounter(byte[] counter, long blocks) {
    byte[] out = counter.clone();
    long carry = blocks;
    for (int i = out.length - 1; i >= 0 && carry != 0; i--) {
      long sum = (out[i] & 0xFF) + (carry & 0xFF);
      out[i] = (byte) sum;
      carry = (carry >>> 8) + (sum >>> 8);
    }
    return out;
  }
}
