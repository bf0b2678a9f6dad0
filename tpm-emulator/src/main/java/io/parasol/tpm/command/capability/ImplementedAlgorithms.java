package io.parasol.tpm.command.capability;

import static io.parasol.tpm.TpmAlgId.*;

import io.parasol.tpm.marshal.TpmsCapabilityData.AlgProperty;
import java.util.List;

/**
 * The algorithms this TPM implements with their {@code TPMA_ALGORITHM} (Part 2 §8.2), as
 * TPM2_GetCapability(TPM_CAP_ALGS) reports them, in ascending {@code TPM_ALG_ID} order, and the ECC
 * curves of TPM_CAP_ECC_CURVES.
 *
 * <p>DEVNOTE: the crypto and object chapters implement the asymmetric, symmetric and scheme
 * algorithms listed here; keep this list in step with what TestParms accepts.
 */
public final class ImplementedAlgorithms {
  private ImplementedAlgorithms() {}

  /** The algorithms, ascending. */
  public static final List<AlgProperty> ALGORITHMS =
      List.of(
          new AlgProperty(RSA, ATTR_ASYMMETRIC | ATTR_OBJECT),
          new AlgProperty(SHA1, ATTR_HASH),
          new AlgProperty(HMAC, ATTR_HASH | ATTR_SIGNING),
          new AlgProperty(AES, ATTR_SYMMETRIC),
          new AlgProperty(MGF1, ATTR_HASH | ATTR_METHOD),
          new AlgProperty(KEYEDHASH, ATTR_HASH | ATTR_OBJECT),
          new AlgProperty(XOR, ATTR_SYMMETRIC | ATTR_HASH),
          new AlgProperty(SHA256, ATTR_HASH),
          new AlgProperty(SHA384, ATTR_HASH),
          new AlgProperty(SHA512, ATTR_HASH),
          new AlgProperty(NULL, 0),
          new AlgProperty(RSASSA, ATTR_ASYMMETRIC | ATTR_SIGNING),
          new AlgProperty(RSAES, ATTR_ASYMMETRIC | ATTR_ENCRYPTING),
          new AlgProperty(RSAPSS, ATTR_ASYMMETRIC | ATTR_SIGNING),
          new AlgProperty(OAEP, ATTR_ASYMMETRIC | ATTR_ENCRYPTING | ATTR_HASH),
          new AlgProperty(ECDSA, ATTR_ASYMMETRIC | ATTR_SIGNING | ATTR_METHOD),
          new AlgProperty(ECDH, ATTR_ASYMMETRIC | ATTR_METHOD),
          new AlgProperty(KDF1_SP800_56A, ATTR_HASH | ATTR_METHOD),
          new AlgProperty(KDF1_SP800_108, ATTR_HASH | ATTR_METHOD),
          new AlgProperty(ECC, ATTR_ASYMMETRIC | ATTR_OBJECT),
          new AlgProperty(SYMCIPHER, ATTR_OBJECT),
          new AlgProperty(CTR, ATTR_SYMMETRIC | ATTR_ENCRYPTING),
          new AlgProperty(OFB, ATTR_SYMMETRIC | ATTR_ENCRYPTING),
          new AlgProperty(CBC, ATTR_SYMMETRIC | ATTR_ENCRYPTING),
          new AlgProperty(CFB, ATTR_SYMMETRIC | ATTR_ENCRYPTING),
          new AlgProperty(ECB, ATTR_SYMMETRIC | ATTR_ENCRYPTING));

  /** The ECC curves ({@code TPM_ECC_CURVE}), ascending. */
  public static final List<Integer> ECC_CURVES = List.of(ECC_NIST_P256, ECC_NIST_P384);

  /** True if {@code alg} is implemented. */
  public static boolean isImplemented(int alg) {
    return ALGORITHMS.stream().anyMatch(a -> a.alg() == alg);
  }
}
