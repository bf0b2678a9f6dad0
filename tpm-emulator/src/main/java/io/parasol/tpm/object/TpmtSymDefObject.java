package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.SymmetricMode;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.Optional;

/**
 * {@code TPMT_SYM_DEF_OBJECT} (TPM 2.0 Library Part 2 §11.1.7): the symmetric algorithm of a
 * storage key (protecting its children) or of a symmetric cipher object. Only AES is implemented
 * (128, 192 and 256 bits); the mode may be {@code TPM_ALG_NULL} for a symmetric cipher object whose
 * mode is chosen at TPM2_EncryptDecrypt.
 *
 * @param algorithm {@code TPM_ALG_AES} or {@code TPM_ALG_NULL}
 * @param keyBits the key size (0 for NULL)
 * @param mode {@code TPM_ALG_CFB}, ... or {@code TPM_ALG_NULL}
 */
public record TpmtSymDefObject(int algorithm, int keyBits, int mode) {

  /** No symmetric algorithm. */
  public static final TpmtSymDefObject NULL = new TpmtSymDefObject(TpmAlgId.NULL, 0, TpmAlgId.NULL);

  /** AES-128 in CFB mode: the protection of the tpm2-tools default storage keys. */
  public static final TpmtSymDefObject AES_128_CFB =
      new TpmtSymDefObject(TpmAlgId.AES, 128, TpmAlgId.CFB);

  public boolean isNull() {
    return algorithm == TpmAlgId.NULL;
  }

  /** The mode, if not NULL. */
  public Optional<SymmetricMode> symmetricMode() {
    return SymmetricMode.fromAlgId(mode);
  }

  /**
   * Unmarshals ({@code TPMT_SYM_DEF_OBJECT+} if {@code nullAllowed}): an unknown algorithm is
   * {@code TPM_RC_SYMMETRIC}, an AES key size other than 128/192/256 {@code TPM_RC_KEY_SIZE}, an
   * unknown mode {@code TPM_RC_MODE}.
   */
  public static TpmtSymDefObject read(TpmReader in, boolean nullAllowed) throws TpmException {
    int alg = in.readU16();
    if (alg == TpmAlgId.NULL && nullAllowed) {
      return NULL;
    }
    if (alg != TpmAlgId.AES) {
      throw new TpmException(TpmRc.SYMMETRIC);
    }
    int bits = in.readU16();
    if (bits != 128 && bits != 192 && bits != 256) {
      throw new TpmException(TpmRc.KEY_SIZE);
    }
    int mode = in.readU16();
    if (mode != TpmAlgId.NULL && SymmetricMode.fromAlgId(mode).isEmpty()) {
      throw new TpmException(TpmRc.MODE);
    }
    return new TpmtSymDefObject(alg, bits, mode);
  }

  public void write(TpmWriter out) {
    out.writeU16(algorithm);
    if (algorithm != TpmAlgId.NULL) {
      out.writeU16(keyBits).writeU16(mode);
    }
  }
}
