package io.parasol.tpm.crypto;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Protection of a seed or salt with an asymmetric key, for the secret-sharing uses of TPM 2.0: the
 * salt of {@code TPM2_StartAuthSession} (label {@value #SECRET}), the seed of {@code
 * TPM2_Duplicate}/{@code TPM2_Import} (label {@value #DUPLICATE}) and of {@code
 * TPM2_MakeCredential}/{@code TPM2_ActivateCredential} (label {@value #IDENTITY}).
 *
 * <ul>
 *   <li>RSA (Part 1, Annex B.10.3): the seed, one digest of the key's name algorithm long, is
 *       encrypted with RSAES-OAEP over the name algorithm with the label plus a terminating 0x00.
 *   <li>ECC (Part 1, Annex C.6.4): an ephemeral key (d<sub>e</sub>, Q<sub>eU</sub>) on the key's
 *       curve; Z = x(d<sub>e</sub>·Q<sub>sV</sub>); seed = KDFe(nameAlg, Z, label,
 *       x(Q<sub>eU</sub>), x(Q<sub>sV</sub>), digestBits). The "encrypted" seed is Q<sub>eU</sub>.
 * </ul>
 *
 * Coordinates enter KDFe at the curve's full size ({@link EccPoint#xBytes()}).
 */
public final class SecretSharing {
  /** Label for session salts. */
  public static final String SECRET = "SECRET";

  /** Label for duplication seeds. */
  public static final String DUPLICATE = "DUPLICATE";

  /** Label for credential seeds. */
  public static final String IDENTITY = "IDENTITY";

  private SecretSharing() {}

  /** A seed and its RSA encryption ({@code TPM2B_ENCRYPTED_SECRET} buffer). */
  public record RsaSecret(byte[] seed, byte[] encryptedSeed) {}

  /** A seed and the ephemeral point that conveys it ({@code TPMS_ECC_POINT}). */
  public record EccSecret(byte[] seed, EccPoint ephemeralPoint) {}

  /** Creates a random seed of {@code nameAlg}'s digest size and encrypts it to {@code key}. */
  public static RsaSecret rsaCreate(
      RsaPublicKey key, HashAlgorithm nameAlg, String label, SecureRandom random)
      throws TpmCryptoException {
    byte[] seed = new byte[nameAlg.digestSize()];
    random.nextBytes(seed);
    return new RsaSecret(seed, Rsa.oaepEncrypt(key, nameAlg, Rsa.label(label), seed, random));
  }

  /**
   * Recovers a seed encrypted by {@link #rsaCreate} (or by a TPM client).
   *
   * @throws TpmCryptoException {@code SIZE} if the ciphertext is not the modulus size, {@code
   *     VALUE} if it does not decrypt or the seed is longer than a digest of {@code nameAlg}
   */
  public static byte[] rsaRecover(
      RsaPrivateKey key, HashAlgorithm nameAlg, String label, byte[] encryptedSeed)
      throws TpmCryptoException {
    byte[] seed = Rsa.oaepDecrypt(key, nameAlg, Rsa.label(label), encryptedSeed);
    if (seed.length > nameAlg.digestSize()) {
      throw new TpmCryptoException(TpmCryptoException.Kind.VALUE, "seed longer than a digest");
    }
    return seed;
  }

  /**
   * Creates a seed for {@code key} with a fresh ephemeral key.
   *
   * @throws TpmCryptoException {@code ECC_POINT} if {@code key} is not a valid point
   */
  public static EccSecret eccCreate(
      EccPoint key, HashAlgorithm nameAlg, String label, SecureRandom random)
      throws TpmCryptoException {
    Ecc.Ephemeral e = Ecc.ephemeral(key, random);
    byte[] seed = eccSeed(nameAlg, label, e.sharedPoint(), e.publicPoint(), key);
    return new EccSecret(seed, e.publicPoint());
  }

  /**
   * Recovers the seed conveyed by {@code ephemeralPoint} to {@code key}.
   *
   * @throws TpmCryptoException {@code ECC_POINT} if the point is not on the key's curve, {@code
   *     NO_RESULT} if the product is infinity
   */
  public static byte[] eccRecover(
      EccKeyPair key, HashAlgorithm nameAlg, String label, EccPoint ephemeralPoint)
      throws TpmCryptoException {
    Objects.requireNonNull(ephemeralPoint, "ephemeralPoint");
    if (ephemeralPoint.curve() != key.curve()) {
      throw new TpmCryptoException(TpmCryptoException.Kind.ECC_POINT, "point on another curve");
    }
    EccPoint z = Ecc.multiply(key.privateScalar(), ephemeralPoint);
    return eccSeed(nameAlg, label, z, ephemeralPoint, key.publicPoint());
  }

  private static byte[] eccSeed(
      HashAlgorithm nameAlg, String label, EccPoint z, EccPoint partyU, EccPoint partyV) {
    return Kdf.kdfe(
        nameAlg, z.xBytes(), label, partyU.xBytes(), partyV.xBytes(), nameAlg.digestSize() * 8);
  }
}
