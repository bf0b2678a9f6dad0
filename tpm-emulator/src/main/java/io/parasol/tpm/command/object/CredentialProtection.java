package io.parasol.tpm.command.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;

/**
 * The key of a credential (Part 1 §24): an asymmetric storage key (restricted decrypt), whose name
 * algorithm and symmetric definition protect the credential blob.
 */
final class CredentialProtection {
  private CredentialProtection() {}

  /** {@code sizeof(TPMS_ID_OBJECT)}: integrity and encrypted credential. */
  static final int MAX_ID_OBJECT = 2 * (2 + 64);

  static TpmObject key(io.parasol.tpm.Entity e, int n, boolean needPrivate) throws TpmException {
    TpmObject key = TpmObject.require(e, n);
    TpmtPublic pub = key.publicArea();
    if ((pub.type() != TpmAlgId.RSA && pub.type() != TpmAlgId.ECC)
        || !pub.has(TpmaObject.RESTRICTED | TpmaObject.DECRYPT)
        || pub.has(TpmaObject.SIGN_ENCRYPT)
        || (needPrivate && key.isPublicOnly())) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, n));
    }
    return key;
  }

  static int aesBits(TpmObject key) {
    return ((TpmtPublic.AsymParms) key.publicArea().parameters()).symmetric().keyBits();
  }
}
