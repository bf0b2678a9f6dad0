package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.Ecc;
import io.parasol.tpm.crypto.EcdsaSignature;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Hmac;
import io.parasol.tpm.crypto.Rsa;
import io.parasol.tpm.crypto.TpmCryptoException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Signing and verification with a loaded object (TPM 2.0 Library Part 1 §11.4.11 and the reference
 * implementation's {@code CryptSelectSignScheme}, {@code CryptSign}, {@code
 * CryptValidateSignature}): RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA and HMAC over a digest. For
 * TPM2_Sign, and for the attestation commands (TPM2_Quote, TPM2_Certify...), which sign a {@code
 * TPMS_ATTEST}.
 */
public final class ObjectSigner {
  private ObjectSigner() {}

  /**
   * The scheme to sign with: the key's own scheme, or {@code inScheme} when the key's is NULL.
   *
   * @throws TpmException {@code TPM_RC_KEY} if the key is not a signing key with its sensitive
   *     area; {@code TPM_RC_SCHEME} if neither names a scheme, they differ, or the scheme does not
   *     fit the key type
   */
  public static TpmtScheme selectScheme(TpmObject key, TpmtScheme inScheme) throws TpmException {
    TpmtPublic pub = key.publicArea();
    if (!pub.has(TpmaObject.SIGN_ENCRYPT)
        || key.isPublicOnly()
        || pub.type() == TpmAlgId.SYMCIPHER) {
      throw new TpmException(TpmRc.KEY);
    }
    TpmtScheme keyScheme =
        switch (pub.parameters()) {
          case TpmtPublic.AsymParms a -> a.scheme();
          case TpmtPublic.KeyedHashParms k -> k.scheme();
          default -> TpmtScheme.NULL;
        };
    TpmtScheme scheme;
    if (keyScheme.isNull()) {
      if (inScheme.isNull()) {
        throw new TpmException(TpmRc.SCHEME);
      }
      scheme = inScheme;
    } else {
      if (!inScheme.isNull()
          && (inScheme.scheme() != keyScheme.scheme()
              || inScheme.hashAlg() != keyScheme.hashAlg())) {
        throw new TpmException(TpmRc.SCHEME);
      }
      scheme = keyScheme;
    }
    boolean fits =
        switch (pub.type()) {
          case TpmAlgId.RSA ->
              scheme.scheme() == TpmAlgId.RSASSA || scheme.scheme() == TpmAlgId.RSAPSS;
          case TpmAlgId.ECC -> scheme.scheme() == TpmAlgId.ECDSA;
          default -> scheme.scheme() == TpmAlgId.HMAC;
        };
    if (!fits || scheme.hash().isEmpty()) {
      throw new TpmException(TpmRc.SCHEME);
    }
    return scheme;
  }

  /**
   * Signs {@code digest} (which must be a digest of the scheme's hash; else {@code TPM_RC_SIZE}).
   */
  public static TpmtSignature sign(
      TpmObject key, TpmtScheme scheme, byte[] digest, SecureRandom random) throws TpmException {
    HashAlgorithm hash = scheme.hash().orElseThrow(() -> new TpmException(TpmRc.SCHEME));
    if (digest.length != hash.digestSize()) {
      throw new TpmException(TpmRc.SIZE);
    }
    try {
      return switch (scheme.scheme()) {
        case TpmAlgId.RSASSA ->
            new TpmtSignature(
                TpmAlgId.RSASSA,
                hash.algId(),
                Rsa.ssaSign(key.rsaPrivateKey(), hash, digest),
                new byte[0]);
        case TpmAlgId.RSAPSS ->
            new TpmtSignature(
                TpmAlgId.RSAPSS,
                hash.algId(),
                Rsa.pssSign(key.rsaPrivateKey(), hash, digest, random),
                new byte[0]);
        case TpmAlgId.ECDSA -> {
          EcdsaSignature s = Ecc.sign(key.eccKeyPair(), digest, random);
          yield new TpmtSignature(TpmAlgId.ECDSA, hash.algId(), s.rBytes(), s.sBytes());
        }
        case TpmAlgId.HMAC ->
            new TpmtSignature(
                TpmAlgId.HMAC,
                hash.algId(),
                Hmac.compute(hash, key.sensitive().sensitive(), digest),
                new byte[0]);
        default -> throw new TpmException(TpmRc.SCHEME);
      };
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e);
    }
  }

  /**
   * Checks {@code signature} of {@code digest} with {@code key}.
   *
   * @throws TpmException {@code TPM_RC_SCHEME} if the signature's scheme does not fit the key,
   *     {@code TPM_RC_SIGNATURE} if it does not verify
   */
  public static void verify(TpmObject key, byte[] digest, TpmtSignature signature)
      throws TpmException {
    TpmtPublic pub = key.publicArea();
    if (!pub.has(TpmaObject.SIGN_ENCRYPT)) {
      throw new TpmException(TpmRc.KEY);
    }
    HashAlgorithm hash =
        HashAlgorithm.fromAlgId(signature.hashAlg())
            .orElseThrow(() -> new TpmException(TpmRc.SCHEME));
    boolean ok =
        switch (signature.sigAlg()) {
          case TpmAlgId.RSASSA -> {
            requireType(pub, TpmAlgId.RSA);
            yield Rsa.ssaVerify(key.rsaPublicKey(), hash, digest, signature.first());
          }
          case TpmAlgId.RSAPSS -> {
            requireType(pub, TpmAlgId.RSA);
            yield Rsa.pssVerify(key.rsaPublicKey(), hash, digest, signature.first());
          }
          case TpmAlgId.ECDSA -> {
            requireType(pub, TpmAlgId.ECC);
            EcdsaSignature s =
                EcdsaSignature.of(
                    key.eccPublicPoint().curve(), signature.first(), signature.second());
            yield Ecc.verify(key.eccPublicPoint(), digest, s);
          }
          case TpmAlgId.HMAC -> {
            requireType(pub, TpmAlgId.KEYEDHASH);
            if (key.isPublicOnly()) {
              throw new TpmException(TpmRc.KEY);
            }
            yield MessageDigest.isEqual(
                signature.first(), Hmac.compute(hash, key.sensitive().sensitive(), digest));
          }
          default -> throw new TpmException(TpmRc.SCHEME);
        };
    if (!ok) {
      throw new TpmException(TpmRc.SIGNATURE);
    }
  }

  private static void requireType(TpmtPublic pub, int type) throws TpmException {
    if (pub.type() != type) {
      throw new TpmException(TpmRc.SCHEME);
    }
  }
}
