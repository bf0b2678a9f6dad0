package io.parasol.tpm.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Objects;

/**
 * RSA key pair generation with probable primes, after FIPS 186-5 A.1.3 (formerly FIPS 186-4 B.3.3):
 * each prime has its two top bits set (so p, q &gt; sqrt(2)·2^(k-1) and n has exactly the requested
 * size), gcd(p-1, e) = 1, |p - q| &gt; 2^(nlen/2 - 100), and d &gt; 2^(nlen/2).
 *
 * <p>All randomness is drawn through {@link SecureRandom#nextBytes(byte[])} in a fixed order, so
 * with a {@link CtrDrbg} seeded from a primary seed the key is a deterministic function of the seed
 * (TPM 2.0 Part 1, 27.2 "Primary Objects"); with {@link TpmRandom} it is an ordinary random key.
 * <b>The draw order is part of the primary-key derivation and must never change.</b>
 *
 * <p>Candidates are found by an incremental search from a random odd start, with a sieve of the odd
 * primes below {@value #SIEVE_LIMIT} discarding most composites before a Miller-Rabin test to base
 * 2 and then the FIPS 186-5 Table B.1 number of rounds with random bases.
 */
final class RsaKeyGenerator {
  /** Sieve primes below this bound. */
  static final int SIEVE_LIMIT = 1 << 15;

  /** Candidates examined from one random start before drawing a new start. */
  private static final int WINDOW = 2048;

  private static final int[] SMALL_PRIMES = oddPrimesBelow(SIEVE_LIMIT);
  private static final BigInteger TWO = BigInteger.TWO;

  private RsaKeyGenerator() {}

  /**
   * A key pair of {@code bits} bits with public exponent {@code exponent}.
   *
   * @param bits a multiple of 16, 1024 or more
   * @param exponent an odd prime e with 2 &lt; e &lt; 2^32
   */
  static RsaPrivateKey generate(int bits, BigInteger exponent, SecureRandom random) {
    Objects.requireNonNull(random, "random");
    if (bits < 1024 || bits % 16 != 0) {
      throw new IllegalArgumentException("RSA key size " + bits);
    }
    int primeBits = bits / 2;
    BigInteger minDistance = BigInteger.ONE.shiftLeft(primeBits - 100);
    BigInteger minD = BigInteger.ONE.shiftLeft(primeBits);
    while (true) {
      BigInteger p = prime(primeBits, exponent, random);
      BigInteger q = prime(primeBits, exponent, random);
      if (p.subtract(q).abs().compareTo(minDistance) <= 0) {
        continue;
      }
      if (p.compareTo(q) < 0) {
        BigInteger t = p;
        p = q;
        q = t;
      }
      RsaPublicKey publicKey = new RsaPublicKey(p.multiply(q), exponent);
      RsaPrivateKey key = RsaPrivateKey.fromPrimes(publicKey, p, q);
      if (key.d().compareTo(minD) > 0) {
        return key;
      }
    }
  }

  /** A probable prime of exactly {@code bits} bits, top two bits set, with gcd(p-1, e) = 1. */
  static BigInteger prime(int bits, BigInteger e, SecureRandom random) {
    int rounds = millerRabinRounds(bits);
    byte[] buffer = new byte[(bits + 7) / 8];
    while (true) {
      random.nextBytes(buffer);
      BigInteger start = new BigInteger(1, buffer);
      // exactly `bits` bits, top two set, odd
      start = start.shiftRight(buffer.length * 8 - bits);
      start = start.setBit(bits - 1).setBit(bits - 2).setBit(0);
      BitSet composite = sieve(start);
      for (int k = composite.nextClearBit(0); k < WINDOW; k = composite.nextClearBit(k + 1)) {
        BigInteger candidate = start.add(BigInteger.valueOf(2L * k));
        if (candidate.bitLength() != bits) {
          break;
        }
        if (!candidate.subtract(BigInteger.ONE).gcd(e).equals(BigInteger.ONE)) {
          continue;
        }
        if (millerRabin(candidate, TWO) && millerRabinRandom(candidate, rounds, random)) {
          return candidate;
        }
      }
    }
  }

  /** Marks offsets k for which start + 2k has a prime factor below {@link #SIEVE_LIMIT}. */
  private static BitSet sieve(BigInteger start) {
    BitSet composite = new BitSet(WINDOW);
    for (int s : SMALL_PRIMES) {
      int r = start.mod(BigInteger.valueOf(s)).intValue();
      // start + 2k ≡ 0 (mod s)  <=>  k ≡ -r · 2^-1 (mod s); 2^-1 = (s+1)/2 for odd s
      int k = (int) ((long) (s - r) % s * ((s + 1) / 2) % s);
      for (; k < WINDOW; k += s) {
        composite.set(k);
      }
    }
    return composite;
  }

  /**
   * Miller-Rabin rounds for a prime of {@code bits} bits, from FIPS 186-5 Table B.1 (error
   * probability at most 2^-100 for 1024-bit primes, 2^-112 for 1536-bit and larger); more for the
   * small sizes that only tests use.
   */
  static int millerRabinRounds(int bits) {
    if (bits >= 1536) {
      return 4;
    }
    if (bits >= 1024) {
      return 5;
    }
    if (bits >= 512) {
      return 8;
    }
    return 40;
  }

  private static boolean millerRabinRandom(BigInteger n, int rounds, SecureRandom random) {
    BigInteger range = n.subtract(BigInteger.valueOf(3));
    byte[] buffer = new byte[(n.bitLength() + 7) / 8 + 8];
    for (int i = 0; i < rounds; i++) {
      random.nextBytes(buffer);
      // a uniform base in [2, n-2] (the 64 extra bits make the modular bias negligible)
      BigInteger a = new BigInteger(1, buffer).mod(range).add(TWO);
      if (!millerRabin(n, a)) {
        return false;
      }
    }
    return true;
  }

  /** One Miller-Rabin round: whether odd {@code n} &gt; 3 is a strong probable prime to base a. */
  static boolean millerRabin(BigInteger n, BigInteger a) {
    BigInteger nMinus1 = n.subtract(BigInteger.ONE);
    int s = nMinus1.getLowestSetBit();
    BigInteger x = a.modPow(nMinus1.shiftRight(s), n);
    if (x.equals(BigInteger.ONE) || x.equals(nMinus1)) {
      return true;
    }
    for (int j = 1; j < s; j++) {
      x = x.multiply(x).mod(n);
      if (x.equals(nMinus1)) {
        return true;
      }
      if (x.equals(BigInteger.ONE)) {
        return false;
      }
    }
    return false;
  }

  private static int[] oddPrimesBelow(int limit) {
    BitSet notPrime = new BitSet(limit);
    int count = 0;
    int[] primes = new int[limit / 2];
    for (int i = 3; i < limit; i += 2) {
      if (!notPrime.get(i)) {
        primes[count++] = i;
        for (long j = (long) i * i; j < limit; j += 2L * i) {
          notPrime.set((int) j);
        }
      }
    }
    return java.util.Arrays.copyOf(primes, count);
  }
}
