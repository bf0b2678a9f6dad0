package io.parasol.tpm.nv;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;

/**
 * The access checks common to the commands that read or write an index ({@code
 * NvReadAccessChecks}/{@code NvWriteAccessChecks} of the reference implementation, Part 3 §31.1):
 * the lock, then that the authorising handle may read or write (owner with {@code OWNERREAD}/{@code
 * OWNERWRITE}, platform with {@code PPREAD}/{@code PPWRITE}, or the index itself, whose {@code
 * AUTH*}/{@code POLICY*} attributes the session check has already applied).
 */
public final class NvAccess {
  private NvAccess() {}

  /**
   * May {@code authHandle} read {@code index} now?
   *
   * @throws TpmException {@code TPM_RC_NV_LOCKED} if read-locked, {@code TPM_RC_NV_AUTHORIZATION}
   *     if {@code authHandle} may not read it, {@code TPM_RC_NV_UNINITIALIZED} if never written
   *     (checked last, so that TPM2_NV_ReadLock can tell the cases apart)
   */
  public static void checkRead(int authHandle, NvIndex index) throws TpmException {
    if (index.has(TpmaNv.READLOCKED)) {
      throw new TpmException(TpmRc.NV_LOCKED);
    }
    checkAuthorizer(authHandle, index, TpmaNv.OWNERREAD, TpmaNv.PPREAD);
    if (!index.isWritten()) {
      throw new TpmException(TpmRc.NV_UNINITIALIZED);
    }
  }

  /**
   * May {@code authHandle} write {@code index} now?
   *
   * @throws TpmException {@code TPM_RC_NV_LOCKED} if write-locked, {@code TPM_RC_NV_AUTHORIZATION}
   *     if {@code authHandle} may not write it
   */
  public static void checkWrite(int authHandle, NvIndex index) throws TpmException {
    if (index.has(TpmaNv.WRITELOCKED)) {
      throw new TpmException(TpmRc.NV_LOCKED);
    }
    checkAuthorizer(authHandle, index, TpmaNv.OWNERWRITE, TpmaNv.PPWRITE);
  }

  private static void checkAuthorizer(int authHandle, NvIndex index, int ownerBit, int platformBit)
      throws TpmException {
    boolean allowed =
        switch (authHandle) {
          case TpmHandle.RH_OWNER -> index.has(ownerBit);
          case TpmHandle.RH_PLATFORM -> index.has(platformBit);
          default -> authHandle == index.handle();
        };
    if (!allowed) {
      throw new TpmException(TpmRc.NV_AUTHORIZATION);
    }
  }
}
