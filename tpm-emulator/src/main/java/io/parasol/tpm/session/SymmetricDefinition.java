package io.parasol.tpm.session;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * {@code TPMT_SYM_DEF+} (TPM 2.0 Library Part 2 §11.1.6): the parameter-encryption algorithm of a
 * session: AES in CFB mode, XOR obfuscation (whose "key bits" field is a hash algorithm), or {@code
 * TPM_ALG_NULL}.
 *
 * @param algorithm {@code TPM_ALG_AES}, {@code _XOR} or {@code _NULL}
 * @param keyBits AES key size in bits, or the XOR hash {@code TPM_ALG_ID}; 0 for NULL
 * @param mode the block mode ({@code TPM_ALG_CFB} for AES), {@code TPM_ALG_NULL} otherwise
 */
public record SymmetricDefinition(int algorithm, int keyBits, int mode) {

  /** No parameter encryption. */
  public static final SymmetricDefinition NULL =
      new SymmetricDefinition(TpmAlgId.NULL, 0, TpmAlgId.NULL);

  /**
   * Unmarshals, accepting what this TPM implements: AES-128/192/256 with a block mode, XOR with an
   * implemented hash, or NULL. An unknown algorithm is {@code TPM_RC_SYMMETRIC}, an AES key size
   * {@code TPM_RC_KEY_SIZE}, a mode {@code TPM_RC_MODE}, an XOR hash {@code TPM_RC_HASH}.
   */
  public static SymmetricDefinition read(TpmReader in) throws TpmException {
    int alg = in.readU16();
    switch (alg) {
      case TpmAlgId.NULL -> {
        return NULL;
      }
      case TpmAlgId.XOR -> {
        int hash = in.readU16();
        if (HashAlgorithm.fromAlgId(hash).isEmpty()) {
          throw new TpmException(TpmRc.HASH);
        }
        return new SymmetricDefinition(alg, hash, TpmAlgId.NULL);
      }
      case TpmAlgId.AES -> {
        int keyBits = in.readU16();
        if (keyBits != 128 && keyBits != 192 && keyBits != 256) {
          throw new TpmException(TpmRc.KEY_SIZE);
        }
        int mode = in.readU16();
        switch (mode) {
          case TpmAlgId.CFB,
              TpmAlgId.CTR,
              TpmAlgId.OFB,
              TpmAlgId.CBC,
              TpmAlgId.ECB,
              TpmAlgId.NULL -> {}
          default -> throw new TpmException(TpmRc.MODE);
        }
        return new SymmetricDefinition(alg, keyBits, mode);
      }
      default -> throw new TpmException(TpmRc.SYMMETRIC);
    }
  }

  public void write(TpmWriter out) {
    out.writeU16(algorithm);
    if (algorithm == TpmAlgId.XOR) {
      out.writeU16(keyBits);
    } else if (algorithm != TpmAlgId.NULL) {
      out.writeU16(keyBits).writeU16(mode);
    }
  }

  /** True if this is {@code TPM_ALG_NULL}. */
  public boolean isNull() {
    return algorithm == TpmAlgId.NULL;
  }
}
