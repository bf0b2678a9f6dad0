package io.parasol.tpm.object;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.TpmCryptoException;

/**
 * Maps a {@link TpmCryptoException} to the {@code TPM_RC} its {@link TpmCryptoException#kind()}
 * names.
 */
public final class CryptoRc {
  private CryptoRc() {}

  /** The response code for {@code e}, without a parameter number. */
  public static int of(TpmCryptoException e) {
    return switch (e.kind()) {
      case ECC_POINT -> TpmRc.ECC_POINT;
      case NO_RESULT -> TpmRc.NO_RESULT;
      case VALUE -> TpmRc.VALUE;
      case SIZE -> TpmRc.SIZE;
      case BINDING -> TpmRc.BINDING;
      case RANGE -> TpmRc.RANGE;
      case INTEGRITY -> TpmRc.INTEGRITY;
      case SCHEME -> TpmRc.SCHEME;
    };
  }

  /** {@code e} as a {@link TpmException}. */
  public static TpmException exception(TpmCryptoException e) {
    return new TpmException(of(e));
  }
}
