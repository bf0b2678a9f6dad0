package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.Optional;
import java.util.Set;

/**
 * A scheme selector with its details: the {@code TPMT_*_SCHEME} family of TPM 2.0 Library Part 2
 * (§11.1.7 {@code TPMT_KEYEDHASH_SCHEME}, §11.2.2 {@code TPMT_SIG_SCHEME}, §11.2.3 {@code
 * TPMT_KDF_SCHEME}, §11.2.3.5 {@code TPMT_ASYM_SCHEME}, §11.2.4 {@code TPMT_RSA_SCHEME} and {@code
 * TPMT_RSA_DECRYPT}, §11.2.5.6 {@code TPMT_ECC_SCHEME}). The details depend on the selector only:
 * none for {@code TPM_ALG_NULL} and {@code TPM_ALG_RSAES}, a hash and a count for ECDAA, a hash and
 * a KDF for XOR, a hash for everything else.
 *
 * @param scheme the {@code TPM_ALG_ID} of the scheme, {@code TPM_ALG_NULL} for none
 * @param hashAlg the scheme's hash ({@code TPM_ALG_NULL} if it has none)
 * @param kdf the KDF of an XOR scheme, else {@code TPM_ALG_NULL}
 * @param count the commit count of an ECDAA scheme, else 0
 */
public record TpmtScheme(int scheme, int hashAlg, int kdf, int count) {

  /** The {@code TPM_ALG_NULL} scheme. */
  public static final TpmtScheme NULL = new TpmtScheme(TpmAlgId.NULL, TpmAlgId.NULL, 0, 0);

  /** {@code TPMI_ALG_KEYEDHASH_SCHEME+}. */
  public static final Set<Integer> KEYEDHASH = Set.of(TpmAlgId.HMAC, TpmAlgId.XOR);

  /** {@code TPMI_ALG_RSA_SCHEME+} as implemented. */
  public static final Set<Integer> RSA =
      Set.of(TpmAlgId.RSASSA, TpmAlgId.RSAPSS, TpmAlgId.RSAES, TpmAlgId.OAEP);

  /** {@code TPMI_ALG_RSA_DECRYPT+}. */
  public static final Set<Integer> RSA_DECRYPT = Set.of(TpmAlgId.RSAES, TpmAlgId.OAEP);

  /** {@code TPMI_ALG_ECC_SCHEME+} as implemented. */
  public static final Set<Integer> ECC = Set.of(TpmAlgId.ECDSA, TpmAlgId.ECDH);

  /** {@code TPMI_ALG_SIG_SCHEME+} as implemented. */
  public static final Set<Integer> SIGNATURE =
      Set.of(TpmAlgId.RSASSA, TpmAlgId.RSAPSS, TpmAlgId.ECDSA, TpmAlgId.HMAC);

  /** {@code TPMI_ALG_KDF+}. */
  public static final Set<Integer> KDF =
      Set.of(TpmAlgId.MGF1, TpmAlgId.KDF1_SP800_56A, TpmAlgId.KDF2, TpmAlgId.KDF1_SP800_108);

  /** A scheme whose only detail is a hash. */
  public static TpmtScheme of(int scheme, int hashAlg) {
    return new TpmtScheme(scheme, hashAlg, TpmAlgId.NULL, 0);
  }

  /** True for {@code TPM_ALG_NULL}. */
  public boolean isNull() {
    return scheme == TpmAlgId.NULL;
  }

  /** The scheme's hash, if it names an implemented one. */
  public Optional<HashAlgorithm> hash() {
    return HashAlgorithm.fromAlgId(hashAlg);
  }

  /**
   * Unmarshals a scheme whose selector must be in {@code allowed} or {@code TPM_ALG_NULL} (if
   * {@code nullAllowed}); a selector outside them is {@code badSelector} ({@code TPM_RC_SCHEME},
   * {@code TPM_RC_KDF}...). Hashes in the details must be implemented ({@code TPM_RC_HASH}).
   */
  public static TpmtScheme read(
      TpmReader in, Set<Integer> allowed, boolean nullAllowed, int badSelector)
      throws TpmException {
    int scheme = in.readU16();
    if (scheme == TpmAlgId.NULL) {
      if (!nullAllowed) {
        throw new TpmException(badSelector);
      }
      return NULL;
    }
    if (!allowed.contains(scheme)) {
      throw new TpmException(badSelector);
    }
    if (scheme == TpmAlgId.RSAES) {
      return new TpmtScheme(scheme, TpmAlgId.NULL, TpmAlgId.NULL, 0);
    }
    int hash = in.readU16();
    if (HashAlgorithm.fromAlgId(hash).isEmpty()) {
      throw new TpmException(TpmRc.HASH);
    }
    int kdf = TpmAlgId.NULL;
    int count = 0;
    if (scheme == TpmAlgId.XOR) {
      kdf = in.readU16();
      if (!KDF.contains(kdf)) {
        throw new TpmException(TpmRc.KDF);
      }
    } else if (scheme == TpmAlgId.ECDAA) {
      count = in.readU16();
    }
    return new TpmtScheme(scheme, hash, kdf, count);
  }

  /** Marshals the selector and its details. */
  public void write(TpmWriter out) {
    out.writeU16(scheme);
    if (scheme == TpmAlgId.NULL || scheme == TpmAlgId.RSAES) {
      return;
    }
    out.writeU16(hashAlg);
    if (scheme == TpmAlgId.XOR) {
      out.writeU16(kdf);
    } else if (scheme == TpmAlgId.ECDAA) {
      out.writeU16(count);
    }
  }
}
