package io.parasol.tpm.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic random bit generator: NIST SP 800-90A rev. 1, 10.2.1 CTR_DRBG with AES-256 and no
 * derivation function, no prediction resistance. It is the TPM's "random number generator seeded
 * from a secret" used to derive primary objects (TPM 2.0 Part 1, 26.3 Primary Seeds and 27.2
 * Primary Objects): {@link #fromSeed} instantiates it from KDFa output, so the same seed, label and
 * context always produce the same stream and therefore the same key.
 *
 * <p>It is a {@link SecureRandom} so it can be handed to any key generator in this package; the
 * stream depends only on the sequence of {@link #nextBytes(byte[])} request sizes. {@link #setSeed}
 * is refused (the stream must stay reproducible). Not thread-safe.
 *
 * <p>DEVNOTE: the reference implementation feeds seed, label, name and additional data through the
 * SP 800-90A block-cipher derivation function ({@code DRBG_InstantiateSeeded}); Parasol derives the
 * 384-bit seed material with KDFa instead. Part 1 leaves the derivation to the vendor, so primary
 * keys differ between TPM implementations anyway; what matters is that Parasol's derivation never
 * changes, since every persisted primary key depends on it.
 */
public final class CtrDrbg extends SecureRandom {
  private static final long serialVersionUID = 1L;

  /** Seed length (SP 800-90A Table 3, AES-256): key length plus block length. */
  public static final int SEED_BYTES = 48;

  private static final int KEY_BYTES = 32;
  private static final int BLOCK_BYTES = 16;
  // SP 800-90A Table 3: at most 2^19 bits per request.
  private static final int MAX_REQUEST_BYTES = 1 << 16;

  private final transient Engine engine;

  private CtrDrbg(Engine engine) {
    super(engine, null);
    this.engine = engine;
  }

  /**
   * Instantiates the DRBG (SP 800-90A 10.2.1.3.1, no derivation function).
   *
   * @param entropyInput exactly {@link #SEED_BYTES} bytes
   * @param personalization at most {@link #SEED_BYTES} bytes, null for none
   */
  public static CtrDrbg instantiate(byte[] entropyInput, byte[] personalization) {
    if (entropyInput.length != SEED_BYTES) {
      throw new IllegalArgumentException("CTR_DRBG entropy must be " + SEED_BYTES + " bytes");
    }
    Engine engine = new Engine();
    engine.update(xorPadded(entropyInput, personalization));
    return new CtrDrbg(engine);
  }

  /**
   * A DRBG whose seed material is {@code KDFa(hash, seed, label, context, additional, 384)}: the
   * generator for deriving a primary object from a hierarchy's primary seed (label {@link
   * #PRIMARY_OBJECT_CREATION}, context the object's Name, additional the sensitive data of the
   * template).
   */
  public static CtrDrbg fromSeed(
      HashAlgorithm hash, byte[] seed, String label, byte[] context, byte[] additional) {
    byte[] material = Kdf.kdfa(hash, seed, label, context, additional, SEED_BYTES * 8);
    try {
      return instantiate(material, null);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /** The label used to derive primary objects (the reference implementation's name). */
  public static final String PRIMARY_OBJECT_CREATION = "Primary Object Creation";

  /**
   * Reseeds (SP 800-90A 10.2.1.4.1).
   *
   * @param entropyInput exactly {@link #SEED_BYTES} bytes
   * @param additionalInput at most {@link #SEED_BYTES} bytes, null for none
   */
  public void reseed(byte[] entropyInput, byte[] additionalInput) {
    if (entropyInput.length != SEED_BYTES) {
      throw new IllegalArgumentException("CTR_DRBG entropy must be " + SEED_BYTES + " bytes");
    }
    engine.update(xorPadded(entropyInput, additionalInput));
  }

  private static byte[] xorPadded(byte[] entropy, byte[] extra) {
    byte[] material = entropy.clone();
    if (extra != null) {
      if (extra.length > SEED_BYTES) {
        throw new IllegalArgumentException("CTR_DRBG input longer than " + SEED_BYTES + " bytes");
      }
      for (int i = 0; i < extra.length; i++) {
        material[i] ^= extra[i];
      }
    }
    return material;
  }

  /** The SP 800-90A state and functions, as the {@link SecureRandomSpi} behind this object. */
  private static final class Engine extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;

    private final byte[] key = new byte[KEY_BYTES];
    private final byte[] v = new byte[BLOCK_BYTES];
    private final transient Cipher aes;

    Engine() {
      try {
        aes = Cipher.getInstance("AES/ECB/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK lacks AES", e);
      }
    }

    /** {@code CTR_DRBG_Update} (10.2.1.2) with {@code providedData} of seedlen bytes. */
    void update(byte[] providedData) {
      byte[] temp = keystream(SEED_BYTES);
      for (int i = 0; i < SEED_BYTES; i++) {
        temp[i] ^= providedData[i];
      }
      System.arraycopy(temp, 0, key, 0, KEY_BYTES);
      System.arraycopy(temp, KEY_BYTES, v, 0, BLOCK_BYTES);
      Arrays.fill(temp, (byte) 0);
    }

    /** Encrypts V+1, V+2, ... under the current key, leaving V at the last counter used. */
    private byte[] keystream(int length) {
      int blocks = (length + BLOCK_BYTES - 1) / BLOCK_BYTES;
      byte[] counters = new byte[blocks * BLOCK_BYTES];
      for (int b = 0; b < blocks; b++) {
        increment(v);
        System.arraycopy(v, 0, counters, b * BLOCK_BYTES, BLOCK_BYTES);
      }
      try {
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        byte[] out = aes.doFinal(counters);
        return length == out.length ? out : Arrays.copyOf(out, length);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES failed", e);
      }
    }

    private static void increment(byte[] counter) {
      for (int i = counter.length - 1; i >= 0; i--) {
        if (++counter[i] != 0) {
          return;
        }
      }
    }

    /** {@code CTR_DRBG_Generate} (10.2.1.5.1) without additional input. */
    @Override
    protected void engineNextBytes(byte[] bytes) {
      Objects.requireNonNull(bytes, "bytes");
      for (int offset = 0; offset < bytes.length; offset += MAX_REQUEST_BYTES) {
        int n = Math.min(MAX_REQUEST_BYTES, bytes.length - offset);
        byte[] out = keystream(n);
        System.arraycopy(out, 0, bytes, offset, n);
        update(new byte[SEED_BYTES]);
      }
      if (bytes.length == 0) {
        update(new byte[SEED_BYTES]);
      }
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
      throw new UnsupportedOperationException("a CTR_DRBG is seeded only when instantiated");
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      byte[] out = new byte[numBytes];
      engineNextBytes(out);
      return out;
    }
  }
}
