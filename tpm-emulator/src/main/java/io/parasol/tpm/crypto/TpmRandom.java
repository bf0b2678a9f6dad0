package io.parasol.tpm.crypto;

import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The TPM's random number generator (TPM 2.0 Part 1, 11.4.11 and 34 Random Number Generator): the
 * source for {@code TPM2_GetRandom}, nonces, salts, seeds, ordinary (non-primary) keys and
 * signature nonces.
 *
 * <p>Backed by the JDK's NIST SP 800-90A DRBG (Hash_DRBG with SHA-256, 256-bit strength, seeded
 * from the operating system). {@link #stir} implements {@code TPM2_StirRandom} (Part 3, 16.2) by
 * reseeding with the caller's data as additional input, so the state always stays at least as
 * unpredictable as the OS entropy. Thread-safe.
 */
public final class TpmRandom {
  private static final byte[] PERSONALIZATION =
      "Parasol vTPM random number generator".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;

  private TpmRandom(SecureRandom random) {
    this.random = random;
  }

  /** A generator seeded from the operating system. */
  public static TpmRandom create() {
    try {
      return new TpmRandom(
          SecureRandom.getInstance(
              "DRBG",
              DrbgParameters.instantiation(
                  256, DrbgParameters.Capability.RESEED_ONLY, PERSONALIZATION)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks its SP 800-90A DRBG", e);
    }
  }

  /**
   * A generator over a caller's source, for tests (e.g. a seeded {@link CtrDrbg} so that nonces are
   * reproducible). {@link #stir} and {@link #addEntropy} are ignored unless the source is a JDK
   * DRBG that supports reseeding.
   */
  public static TpmRandom over(SecureRandom source) {
    return new TpmRandom(Objects.requireNonNull(source, "source"));
  }

  /** {@code count} random bytes. */
  public byte[] nextBytes(int count) {
    byte[] out = new byte[count];
    random.nextBytes(out);
    return out;
  }

  /** Fills {@code out} with random bytes. */
  public void nextBytes(byte[] out) {
    random.nextBytes(out);
  }

  /**
   * Mixes caller-supplied data into the state ({@code TPM2_StirRandom}). The data is treated as
   * additional input, not as entropy: fresh OS entropy is drawn as well.
   */
  public void stir(byte[] additionalInput) {
    reseed(additionalInput);
  }

  /**
   * Mixes platform-supplied entropy (e.g. from a hardware RNG of the host or the CPU) into the
   * state, together with fresh OS entropy.
   */
  public void addEntropy(byte[] entropy) {
    reseed(entropy);
  }

  private void reseed(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (random.getParameters() instanceof DrbgParameters.Instantiation) {
      random.reseed(DrbgParameters.reseed(false, data));
    }
  }

  /** The generator as a {@link SecureRandom}, for the key generators and signers. */
  public SecureRandom secureRandom() {
    return random;
  }
}
