package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.Rsa;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.object.CryptoRc;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import java.security.SecureRandom;

/**
 * The RSA encryption schemes of TPM2_RSA_Encrypt/Decrypt (Part 1 §11.4.9 and the reference
 * implementation's {@code CryptRsaSelectScheme}): the key's scheme, or {@code inScheme} if the
 * key's is NULL; both NULL means raw RSA. OAEP labels must end in a zero octet.
 */
final class RsaPadding {
  private RsaPadding() {}

  /**
   * The parameters TPM2_RSA_Encrypt and TPM2_RSA_Decrypt share: {@code message} or {@code
   * cipherText}, {@code inScheme}, {@code label}.
   */
  record In(byte[] data, TpmtScheme inScheme, byte[] label) {
    static In parse(TpmReader in) throws TpmException {
      return new In(
          in.parameter(1, r -> r.read2B(TpmtPublic.MAX_RSA_KEY_BYTES)),
          in.parameter(2, RsaPadding::readScheme),
          in.parameter(3, r -> r.read2B(Tpm2b.DATA)));
    }
  }

  /** Reads a {@code TPMT_RSA_DECRYPT+}. */
  private static TpmtScheme readScheme(TpmReader in) throws TpmException {
    return TpmtScheme.read(in, TpmtScheme.RSA_DECRYPT, true, TpmRc.SCHEME);
  }

  /** The RSA decryption key at handle 1 ({@code TPM_RC_KEY} / {@code TPM_RC_ATTRIBUTES}). */
  static TpmObject key(io.parasol.tpm.Entity e, boolean needPrivate) throws TpmException {
    TpmObject key = TpmObject.require(e, 1);
    if (key.publicArea().type() != TpmAlgId.RSA || (needPrivate && key.isPublicOnly())) {
      throw new TpmException(TpmRc.handle(TpmRc.KEY, 1));
    }
    if (!key.publicArea().has(TpmaObject.DECRYPT)
        || (needPrivate && key.publicArea().has(TpmaObject.RESTRICTED))) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    return key;
  }

  /** The scheme to use with {@code key} for {@code in}, once its label is checked. */
  static TpmtScheme scheme(TpmObject key, In in) throws TpmException {
    TpmtScheme scheme = select(key, in.inScheme());
    checkLabel(in.label());
    return scheme;
  }

  private static TpmtScheme select(TpmObject key, TpmtScheme inScheme) throws TpmException {
    TpmtScheme keyScheme = ((TpmtPublic.RsaParms) key.publicArea().parameters()).scheme();
    if (keyScheme.isNull()) {
      return inScheme;
    }
    if (!inScheme.isNull()
        && (inScheme.scheme() != keyScheme.scheme() || inScheme.hashAlg() != keyScheme.hashAlg())) {
      throw new TpmException(TpmRc.parameter(TpmRc.SCHEME, 2));
    }
    if (keyScheme.scheme() != TpmAlgId.OAEP && keyScheme.scheme() != TpmAlgId.RSAES) {
      throw new TpmException(TpmRc.parameter(TpmRc.SCHEME, 2));
    }
    return keyScheme;
  }

  private static void checkLabel(byte[] label) throws TpmException {
    if (label.length > 0 && label[label.length - 1] != 0) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 3));
    }
  }

  static byte[] encrypt(
      TpmObject key, TpmtScheme scheme, byte[] label, byte[] message, SecureRandom random)
      throws TpmException {
    try {
      return switch (scheme.scheme()) {
        case TpmAlgId.OAEP ->
            Rsa.oaepEncrypt(
                key.rsaPublicKey(), scheme.hash().orElseThrow(), label, message, random);
        case TpmAlgId.RSAES -> Rsa.pkcs1Encrypt(key.rsaPublicKey(), message, random);
        default -> Rsa.rawEncrypt(key.rsaPublicKey(), message);
      };
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e).atParameter(1);
    }
  }

  static byte[] decrypt(TpmObject key, TpmtScheme scheme, byte[] label, byte[] cipherText)
      throws TpmException {
    try {
      return switch (scheme.scheme()) {
        case TpmAlgId.OAEP ->
            Rsa.oaepDecrypt(key.rsaPrivateKey(), scheme.hash().orElseThrow(), label, cipherText);
        case TpmAlgId.RSAES -> Rsa.pkcs1Decrypt(key.rsaPrivateKey(), cipherText);
        default -> Rsa.rawDecrypt(key.rsaPrivateKey(), cipherText);
      };
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e).atParameter(1);
    }
  }
}
