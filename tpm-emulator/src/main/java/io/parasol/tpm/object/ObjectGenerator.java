package io.parasol.tpm.object;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.CtrDrbg;
import io.parasol.tpm.crypto.Ecc;
import io.parasol.tpm.crypto.EccKeyPair;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Rsa;
import io.parasol.tpm.crypto.RsaPrivateKey;
import io.parasol.tpm.crypto.TpmCryptoException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Creates the key material of a new object from a checked template (TPM 2.0 Library Part 1 §27.2,
 * the reference implementation's {@code CryptCreateObject}): the key (RSA primes, ECC scalar,
 * keyed-hash or symmetric key, or the sealed data given), the seedValue, and the unique field of
 * the public area.
 *
 * <p>For a primary object the random source is a {@link CtrDrbg} instantiated from the hierarchy's
 * primary seed with label {@value CtrDrbg#PRIMARY_OBJECT_CREATION}, the Name of the template and
 * the sensitive data as context ({@link #primaryRandom}), so the same template in the same
 * hierarchy always gives the same key, and a different {@code unique} in the template a different
 * one (Part 1 §27.2.6). <b>The order of the draws below is part of that derivation and must never
 * change:</b> key first, then seedValue.
 */
public final class ObjectGenerator {
  private ObjectGenerator() {}

  /** A new object's public area (unique filled in) and sensitive area. */
  public record Generated(TpmtPublic publicArea, TpmtSensitive sensitive) {}

  /** The deterministic random source for a primary object of {@code template} in {@code h}. */
  public static SecureRandom primaryRandom(
      TpmState state, Hierarchy h, TpmtPublic template, SensitiveCreate in) {
    HashAlgorithm hash = template.nameHash().orElseThrow();
    return CtrDrbg.fromSeed(
        hash, state.seed(h), CtrDrbg.PRIMARY_OBJECT_CREATION, template.name(), in.data());
  }

  /**
   * Generates a primary object of {@code template} in {@code h}: {@link #generate} from {@link
   * #primaryRandom}, or for RSA, whose prime search is slow, the same object again from the state's
   * {@link PrimaryObjectCache} when it was derived before from the same seed, template and data.
   *
   * @throws TpmException as {@link #generate}
   */
  public static Generated generatePrimary(
      TpmState state, Hierarchy h, TpmtPublic template, SensitiveCreate in) throws TpmException {
    if (!(template.parameters() instanceof TpmtPublic.RsaParms)) {
      return generate(template, in, primaryRandom(state, h, template, in));
    }
    PrimaryObjectCache cache = state.primaryObjectCache();
    ByteBuffer key = PrimaryObjectCache.key(h, state.seed(h), template.name(), in.data());
    Generated cached = cache.get(h, key);
    if (cached == null) {
      cached = generate(template, in, primaryRandom(state, h, template, in));
      cache.put(h, key, cached);
    }
    // The authValue is the caller's, not part of the derivation.
    TpmtSensitive s = cached.sensitive();
    return new Generated(
        cached.publicArea(),
        new TpmtSensitive(s.sensitiveType(), in.userAuth(), s.seedValue(), s.sensitive()));
  }

  /**
   * Generates the object. The template must have passed {@link ObjectTemplateCheck}.
   *
   * @throws TpmException {@code TPM_RC_RANGE} for an RSA exponent that is not an odd prime
   */
  public static Generated generate(TpmtPublic template, SensitiveCreate in, SecureRandom random)
      throws TpmException {
    HashAlgorithm nameHash = template.nameHash().orElseThrow();
    byte[] key;
    byte[] unique;
    byte[] uniqueY = new byte[0];
    byte[] seedValue;
    switch (template.parameters()) {
      case TpmtPublic.RsaParms rsa -> {
        RsaPrivateKey k;
        try {
          k = Rsa.generateKey(rsa.keyBits(), rsa.exponent(), random);
        } catch (TpmCryptoException e) {
          throw CryptoRc.exception(e);
        }
        key = k.primeBytes();
        unique = k.publicKey().modulusBytes();
        seedValue = template.isStorage() ? bytes(random, nameHash.digestSize()) : new byte[0];
      }
      case TpmtPublic.EccParms ecc -> {
        EccKeyPair k = Ecc.generateKeyPair(ecc.curve(), random);
        key = k.privateBytes();
        unique = k.publicPoint().xBytes();
        uniqueY = k.publicPoint().yBytes();
        seedValue = template.isStorage() ? bytes(random, nameHash.digestSize()) : new byte[0];
      }
      case TpmtPublic.KeyedHashParms kh -> {
        if (in.data().length != 0) {
          key = in.data();
        } else {
          HashAlgorithm h = kh.scheme().hash().orElse(nameHash);
          key = bytes(random, h.digestSize());
        }
        seedValue = bytes(random, nameHash.digestSize());
        unique = nameHash.digest(seedValue, key);
      }
      case TpmtPublic.SymCipherParms sc -> {
        key = in.data().length != 0 ? in.data() : bytes(random, sc.sym().keyBits() / 8);
        seedValue = bytes(random, nameHash.digestSize());
        unique = nameHash.digest(seedValue, key);
      }
    }
    TpmtPublic pub = template.withUnique(unique, uniqueY);
    return new Generated(pub, new TpmtSensitive(template.type(), in.userAuth(), seedValue, key));
  }

  private static byte[] bytes(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** True for the object types this TPM can create. */
  public static boolean isObjectType(int type) {
    return type == TpmAlgId.RSA
        || type == TpmAlgId.ECC
        || type == TpmAlgId.KEYEDHASH
        || type == TpmAlgId.SYMCIPHER;
  }
}
