package io.parasol.tpm.command.object;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.object.TpmObject;

/** Finds the parent of TPM2_Create, TPM2_Load, TPM2_Import and the like in a command's handles. */
final class ParentObject {
  private ParentObject() {}

  /**
   * The storage key at handle {@code n}.
   *
   * @throws TpmException {@code TPM_RC_TYPE + H + n} if it is not a loaded storage key with its
   *     sensitive area (Part 1 §27.1)
   */
  static TpmObject of(Entity entity, int n) throws TpmException {
    if (entity instanceof TpmObject o && o.isParent()) {
      return o;
    }
    throw new TpmException(TpmRc.handle(TpmRc.TYPE, n));
  }
}
