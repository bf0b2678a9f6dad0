package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An RSA private key in Chinese-remainder form. A TPM keeps only one prime in the sensitive area
 * ({@code TPM2B_PRIVATE_KEY_RSA}, TPM 2.0 Part 2, 11.2.4.8); {@link #fromPrime} rebuilds the rest
 * when the object is loaded. {@link #toString()} does not reveal the key.
 *
 * @param publicKey n and e
 * @param p the prime to store in the sensitive area
 * @param q the other prime
 * @param d the private exponent, e^-1 mod lcm(p-1, q-1)
 * @param dP d mod (p-1)
 * @param dQ d mod (q-1)
 * @param qInv q^-1 mod p
 */
public record RsaPrivateKey(
    RsaPublicKey publicKey,
    BigInteger p,
    BigInteger q,
    BigInteger d,
    BigInteger dP,
    BigInteger dQ,
    BigInteger qInv) {

  public RsaPrivateKey {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(p, "p");
    Objects.requireNonNull(q, "q");
    Objects.requireNonNull(d, "d");
    Objects.requireNonNull(dP, "dP");
    Objects.requireNonNull(dQ, "dQ");
    Objects.requireNonNull(qInv, "qInv");
  }

  /**
   * The private key from the public key and one prime factor, as {@code TPM2_Load} and {@code
   * TPM2_LoadExternal} rebuild it from {@code sensitive.rsa}.
   *
   * @throws TpmCryptoException {@code BINDING} if {@code prime} is not a proper factor of the
   *     modulus or the exponent has no inverse (the public and sensitive areas do not match)
   */
  public static RsaPrivateKey fromPrime(RsaPublicKey publicKey, BigInteger prime)
      throws TpmCryptoException {
    BigInteger n = publicKey.modulus();
    if (prime.compareTo(BigInteger.ONE) <= 0 || prime.compareTo(n) >= 0) {
      throw binding();
    }
    BigInteger[] qr = n.divideAndRemainder(prime);
    if (qr[1].signum() != 0 || qr[0].compareTo(BigInteger.ONE) <= 0) {
      throw binding();
    }
    try {
      return fromPrimes(publicKey, prime, qr[0]);
    } catch (ArithmeticException e) {
      throw binding();
    }
  }

  /**
   * The private key from both primes.
   *
   * @throws ArithmeticException if e is not invertible modulo lcm(p-1, q-1) or p = q
   */
  static RsaPrivateKey fromPrimes(RsaPublicKey publicKey, BigInteger p, BigInteger q) {
    BigInteger e = publicKey.exponent();
    BigInteger pMinus1 = p.subtract(BigInteger.ONE);
    BigInteger qMinus1 = q.subtract(BigInteger.ONE);
    BigInteger lambda = pMinus1.divide(pMinus1.gcd(qMinus1)).multiply(qMinus1);
    BigInteger d = e.modInverse(lambda);
    return new RsaPrivateKey(publicKey, p, q, d, d.mod(pMinus1), d.mod(qMinus1), q.modInverse(p));
  }

  private static TpmCryptoException binding() {
    return new TpmCryptoException(
        TpmCryptoException.Kind.BINDING, "the RSA prime does not match the modulus");
  }

  /** The modulus. */
  public BigInteger modulus() {
    return publicKey.modulus();
  }

  /**
   * The stored prime, big-endian, half the modulus size (at least) for the {@code
   * TPM2B_PRIVATE_KEY_RSA}.
   */
  public byte[] primeBytes() {
    return BigIntegers.toFixed(
        p, Math.max((publicKey.bits() / 2 + 7) / 8, (p.bitLength() + 7) / 8));
  }

  @Override
  public String toString() {
    return "RsaPrivateKey[" + publicKey.bits() + " bits]";
  }
}
