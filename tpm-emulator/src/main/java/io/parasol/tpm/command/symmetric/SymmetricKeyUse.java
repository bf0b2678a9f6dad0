package io.parasol.tpm.command.symmetric;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.Aes;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.SymmetricMode;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.CryptoRc;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;

/**
 * The shared rules of TPM2_EncryptDecrypt(2) (Part 3 §15.2) and of TPM2_HMAC/TPM2_HMAC_Start
 * (§15.5, §17.2): which key, which mode or hash.
 */
public final class SymmetricKeyUse {
  private SymmetricKeyUse() {}

  /**
   * Runs TPM2_EncryptDecrypt with the parameter numbers of the variant ({@code modeParam}, {@code
   * ivParam}, {@code dataParam}) and writes {@code outData} and {@code ivOut}.
   */
  static void encryptDecrypt(
      Entity entity,
      boolean decrypt,
      int mode,
      byte[] ivIn,
      byte[] inData,
      int modeParam,
      int ivParam,
      int dataParam,
      TpmWriter out)
      throws TpmException {
    TpmObject key = TpmObject.require(entity, 1);
    TpmtPublic pub = key.publicArea();
    if (pub.type() != TpmAlgId.SYMCIPHER || key.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.KEY, 1));
    }
    if (pub.has(TpmaObject.RESTRICTED)
        || !pub.has(decrypt ? TpmaObject.DECRYPT : TpmaObject.SIGN_ENCRYPT)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    int keyMode = ((TpmtPublic.SymCipherParms) pub.parameters()).sym().mode();
    int useMode;
    if (keyMode == TpmAlgId.NULL) {
      useMode = mode;
    } else if (mode == TpmAlgId.NULL || mode == keyMode) {
      useMode = keyMode;
    } else {
      throw new TpmException(TpmRc.parameter(TpmRc.MODE, modeParam));
    }
    SymmetricMode m =
        SymmetricMode.fromAlgId(useMode)
            .orElseThrow(() -> new TpmException(TpmRc.parameter(TpmRc.MODE, modeParam)));
    if (m.usesIv() && ivIn.length != Aes.BLOCK_BYTES) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, ivParam));
    }
    if (m.requiresWholeBlocks() && inData.length % Aes.BLOCK_BYTES != 0) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, dataParam));
    }
    byte[] iv = m.usesIv() ? ivIn : new byte[Aes.BLOCK_BYTES];
    Aes.Result r;
    try {
      byte[] k = key.sensitive().sensitive();
      r = decrypt ? Aes.decrypt(m, k, iv, inData) : Aes.encrypt(m, k, iv, inData);
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e).atParameter(dataParam);
    }
    out.write2B(r.data());
    out.write2B(m.usesIv() ? r.ivOut() : ivIn);
  }

  /**
   * The HMAC key and hash of TPM2_HMAC and TPM2_HMAC_Start: an unrestricted keyed-hash signing key
   * ({@code TPM_RC_TYPE}, {@code TPM_RC_ATTRIBUTES}, {@code TPM_RC_KEY} on handle 1); the hash is
   * the key's scheme hash, or {@code hashAlg} if the key has none ({@code TPM_RC_VALUE + P +
   * hashParam} if both or neither name one and they differ).
   */
  public static HashAlgorithm hmacHash(TpmObject key, int hashAlg, int hashParam)
      throws TpmException {
    TpmtPublic pub = key.publicArea();
    if (pub.type() != TpmAlgId.KEYEDHASH || key.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
    }
    if (pub.has(TpmaObject.RESTRICTED)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    if (!pub.has(TpmaObject.SIGN_ENCRYPT)) {
      throw new TpmException(TpmRc.handle(TpmRc.KEY, 1));
    }
    int keyHash = ((TpmtPublic.KeyedHashParms) pub.parameters()).scheme().hashAlg();
    int use;
    if (keyHash == TpmAlgId.NULL) {
      use = hashAlg;
    } else if (hashAlg == TpmAlgId.NULL || hashAlg == keyHash) {
      use = keyHash;
    } else {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, hashParam));
    }
    return HashAlgorithm.fromAlgId(use)
        .orElseThrow(() -> new TpmException(TpmRc.parameter(TpmRc.VALUE, hashParam)));
  }

  /** Reads a {@code TPMI_ALG_HASH+}. */
  static int readHashOrNull(io.parasol.tpm.marshal.TpmReader r) throws TpmException {
    int h = r.readU16();
    if (h != TpmAlgId.NULL && HashAlgorithm.fromAlgId(h).isEmpty()) {
      throw new TpmException(TpmRc.HASH);
    }
    return h;
  }

  /** Reads a {@code TPMI_ALG_CIPHER_MODE+}. */
  static int readMode(io.parasol.tpm.marshal.TpmReader r) throws TpmException {
    int m = r.readU16();
    if (m != TpmAlgId.NULL && SymmetricMode.fromAlgId(m).isEmpty()) {
      throw new TpmException(TpmRc.MODE);
    }
    return m;
  }
}
