package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An RSA public key: the modulus (the {@code unique.rsa} of a {@code TPMT_PUBLIC}) and the public
 * exponent ({@code TPMS_RSA_PARMS.exponent}, where 0 stands for {@value #DEFAULT_EXPONENT}).
 *
 * @param modulus n, positive
 * @param exponent e, odd and greater than 1
 */
public record RsaPublicKey(BigInteger modulus, BigInteger exponent) {
  /** The exponent a TPM uses when the template says 0 (TPM 2.0 Part 2, 12.2.3.5). */
  public static final int DEFAULT_EXPONENT = 65537;

  public RsaPublicKey {
    Objects.requireNonNull(modulus, "modulus");
    Objects.requireNonNull(exponent, "exponent");
    if (modulus.signum() <= 0 || !modulus.testBit(0)) {
      throw new IllegalArgumentException("an RSA modulus must be odd and positive");
    }
    if (exponent.compareTo(BigInteger.ONE) <= 0 || !exponent.testBit(0)) {
      throw new IllegalArgumentException("an RSA exponent must be odd and greater than 1");
    }
  }

  /**
   * The key of a public area: {@code modulus} big-endian unsigned and the {@code UINT32} exponent,
   * where 0 means {@value #DEFAULT_EXPONENT}.
   *
   * @throws TpmCryptoException {@code VALUE} if the modulus is even or zero, or the exponent is
   *     even or 1
   */
  public static RsaPublicKey of(byte[] modulus, long exponent) throws TpmCryptoException {
    BigInteger n = new BigInteger(1, modulus);
    BigInteger e = BigInteger.valueOf(exponent == 0 ? DEFAULT_EXPONENT : exponent & 0xFFFFFFFFL);
    if (n.signum() == 0 || !n.testBit(0) || !e.testBit(0) || e.equals(BigInteger.ONE)) {
      throw new TpmCryptoException(TpmCryptoException.Kind.VALUE, "not a valid RSA public key");
    }
    return new RsaPublicKey(n, e);
  }

  /** The key size in bits (of the modulus). */
  public int bits() {
    return modulus.bitLength();
  }

  /** The modulus size in bytes: the size of every signature and ciphertext. */
  public int byteLength() {
    return (modulus.bitLength() + 7) / 8;
  }

  /** The modulus, big-endian, exactly {@link #byteLength()} bytes. */
  public byte[] modulusBytes() {
    return BigIntegers.toFixed(modulus, byteLength());
  }
}
