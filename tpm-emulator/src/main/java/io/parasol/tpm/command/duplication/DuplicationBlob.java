package io.parasol.tpm.command.duplication;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.ProtectedStorage;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.object.CryptoRc;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtSymDefObject;

/**
 * The wrappers of a duplication blob (Part 1 §23.3.2; the reference implementation's {@code
 * SensitiveToDuplicate}, {@code DuplicateToSensitive}, {@code ProduceOuterWrap}, {@code
 * UnwrapOuter}):
 *
 * <pre>
 *   inner  = AES-CFB(encryptionKey, IV 0, TPM2B(H_nameAlg(sensitive || name)) || sensitive)
 *   outer  = TPM2B(HMAC(KDFa(seed, "INTEGRITY"), enc || name)) || enc,
 *            enc = AES-CFB(KDFa(seed, "STORAGE", name), IV 0, inner or sensitive)
 * </pre>
 *
 * where {@code sensitive} is the marshalled {@code TPM2B_SENSITIVE}, {@code nameAlg} the object's
 * name algorithm, and the outer wrap's hash and AES key size those of the (new) parent.
 */
final class DuplicationBlob {
  private DuplicationBlob() {}

  /** The AES key size of a storage key's {@code symmetric} definition. */
  static int protectorKeyBits(TpmObject parent) throws TpmException {
    if (parent.publicArea().parameters() instanceof TpmtPublic.AsymParms a
        && a.symmetric().algorithm() == TpmAlgId.AES) {
      return a.symmetric().keyBits();
    }
    throw new TpmException(TpmRc.TYPE);
  }

  /** An inner wrapper must be AES-CFB ({@code TPM_RC_MODE} otherwise). */
  static void checkInnerAlgorithm(TpmtSymDefObject sym, int param) throws TpmException {
    if (!sym.isNull() && sym.mode() != TpmAlgId.CFB) {
      throw new TpmException(TpmRc.parameter(TpmRc.MODE, param));
    }
  }

  static byte[] wrapInner(HashAlgorithm nameAlg, byte[] key, byte[] name, byte[] sensitive2b) {
    return ProtectedStorage.wrapInner(nameAlg, key, name, sensitive2b);
  }

  /** Removes the inner wrapper ({@code TPM_RC_INTEGRITY} if the key or data is wrong). */
  static byte[] unwrapInner(HashAlgorithm nameAlg, byte[] key, byte[] name, byte[] data)
      throws TpmException {
    try {
      return ProtectedStorage.unwrapInner(nameAlg, key, name, data);
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e);
    }
  }

  static byte[] wrapOuter(TpmObject parent, byte[] seed, byte[] name, byte[] data)
      throws TpmException {
    return ProtectedStorage.wrapOuter(
        parent.nameHash(), protectorKeyBits(parent), seed, name, data);
  }

  /** Checks and removes the outer wrapper ({@code TPM_RC_INTEGRITY}, {@code TPM_RC_SIZE}). */
  static byte[] unwrapOuter(TpmObject parent, byte[] seed, byte[] name, byte[] data)
      throws TpmException {
    try {
      return ProtectedStorage.unwrapOuter(
          parent.nameHash(), protectorKeyBits(parent), seed, name, data);
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e);
    }
  }
}
