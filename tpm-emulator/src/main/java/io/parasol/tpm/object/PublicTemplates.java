package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import java.util.HexFormat;

/**
 * Public-area templates in common use: the defaults of tpm2-tools ({@code tpm2_createprimary},
 * {@code tpm2_create}) and the endorsement-key templates of the TCG EK Credential Profile (rev. 2.5
 * Annex B, low range: L-1 RSA-2048 and L-2 ECC NIST P-256). The unique fields are empty (EK
 * templates: zero-filled to the key size, as the profile requires).
 */
public final class PublicTemplates {
  private PublicTemplates() {}

  /** fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth. */
  public static final int BASE_ATTRIBUTES =
      TpmaObject.FIXED_TPM
          | TpmaObject.FIXED_PARENT
          | TpmaObject.SENSITIVE_DATA_ORIGIN
          | TpmaObject.USER_WITH_AUTH;

  /** A storage key's attributes: {@link #BASE_ATTRIBUTES} | restricted | decrypt. */
  public static final int STORAGE_ATTRIBUTES =
      BASE_ATTRIBUTES | TpmaObject.RESTRICTED | TpmaObject.DECRYPT;

  /**
   * The EK authPolicy: {@code TPM2_PolicySecret(TPM_RH_ENDORSEMENT)} with SHA-256 (EK Credential
   * Profile, B.3.3).
   */
  public static final byte[] EK_POLICY_SHA256 =
      HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

  /**
   * The EK attributes: fixedTPM | fixedParent | sensitiveDataOrigin | adminWithPolicy | restricted
   * | decrypt.
   */
  public static final int EK_ATTRIBUTES =
      TpmaObject.FIXED_TPM
          | TpmaObject.FIXED_PARENT
          | TpmaObject.SENSITIVE_DATA_ORIGIN
          | TpmaObject.ADMIN_WITH_POLICY
          | TpmaObject.RESTRICTED
          | TpmaObject.DECRYPT;

  /** An RSA storage key (tpm2-tools {@code -G rsa}: RSA-2048, AES-128-CFB, SHA-256). */
  public static TpmtPublic rsaStorage(int keyBits) {
    return new TpmtPublic(
        TpmAlgId.RSA,
        TpmAlgId.SHA256,
        STORAGE_ATTRIBUTES,
        new byte[0],
        new TpmtPublic.RsaParms(TpmtSymDefObject.AES_128_CFB, TpmtScheme.NULL, keyBits, 0),
        new byte[0],
        new byte[0]);
  }

  /** An ECC storage key (tpm2-tools {@code -G ecc}: NIST P-256, AES-128-CFB, SHA-256). */
  public static TpmtPublic eccStorage(int curveId) {
    return new TpmtPublic(
        TpmAlgId.ECC,
        TpmAlgId.SHA256,
        STORAGE_ATTRIBUTES,
        new byte[0],
        new TpmtPublic.EccParms(
            TpmtSymDefObject.AES_128_CFB, TpmtScheme.NULL, curveId, TpmtScheme.NULL),
        new byte[0],
        new byte[0]);
  }

  /** An unrestricted RSA key with {@code attributes} and {@code scheme} (NULL: chosen at use). */
  public static TpmtPublic rsaKey(int keyBits, int attributes, TpmtScheme scheme) {
    return new TpmtPublic(
        TpmAlgId.RSA,
        TpmAlgId.SHA256,
        attributes,
        new byte[0],
        new TpmtPublic.RsaParms(TpmtSymDefObject.NULL, scheme, keyBits, 0),
        new byte[0],
        new byte[0]);
  }

  /** An ECC key with {@code attributes} and {@code scheme}. */
  public static TpmtPublic eccKey(int curveId, int attributes, TpmtScheme scheme) {
    return new TpmtPublic(
        TpmAlgId.ECC,
        TpmAlgId.SHA256,
        attributes,
        new byte[0],
        new TpmtPublic.EccParms(TpmtSymDefObject.NULL, scheme, curveId, TpmtScheme.NULL),
        new byte[0],
        new byte[0]);
  }

  /** An HMAC key (tpm2-tools {@code -G hmac}): keyed-hash, sign, HMAC-SHA-256. */
  public static TpmtPublic hmacKey() {
    return new TpmtPublic(
        TpmAlgId.KEYEDHASH,
        TpmAlgId.SHA256,
        BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT,
        new byte[0],
        new TpmtPublic.KeyedHashParms(TpmtScheme.of(TpmAlgId.HMAC, TpmAlgId.SHA256)),
        new byte[0],
        new byte[0]);
  }

  /**
   * A sealed data object (tpm2-tools {@code tpm2_create -i}): keyed-hash, neither sign nor decrypt,
   * no sensitiveDataOrigin, {@code authPolicy} (empty for none).
   */
  public static TpmtPublic sealedData(int attributes, byte[] authPolicy) {
    return new TpmtPublic(
        TpmAlgId.KEYEDHASH,
        TpmAlgId.SHA256,
        attributes,
        authPolicy,
        new TpmtPublic.KeyedHashParms(TpmtScheme.NULL),
        new byte[0],
        new byte[0]);
  }

  /** A symmetric cipher key (tpm2-tools {@code -G aes}): sign(encrypt) | decrypt, mode chosen. */
  public static TpmtPublic symCipher(int keyBits, int mode) {
    return new TpmtPublic(
        TpmAlgId.SYMCIPHER,
        TpmAlgId.SHA256,
        BASE_ATTRIBUTES | TpmaObject.DECRYPT | TpmaObject.SIGN_ENCRYPT,
        new byte[0],
        new TpmtPublic.SymCipherParms(new TpmtSymDefObject(TpmAlgId.AES, keyBits, mode)),
        new byte[0],
        new byte[0]);
  }

  /** The EK Credential Profile template L-1: RSA-2048 EK. */
  public static TpmtPublic ekRsa2048() {
    return new TpmtPublic(
        TpmAlgId.RSA,
        TpmAlgId.SHA256,
        EK_ATTRIBUTES,
        EK_POLICY_SHA256,
        new TpmtPublic.RsaParms(TpmtSymDefObject.AES_128_CFB, TpmtScheme.NULL, 2048, 0),
        new byte[256],
        new byte[0]);
  }

  /** The EK Credential Profile template L-2: ECC NIST P-256 EK. */
  public static TpmtPublic ekEccP256() {
    return new TpmtPublic(
        TpmAlgId.ECC,
        TpmAlgId.SHA256,
        EK_ATTRIBUTES,
        EK_POLICY_SHA256,
        new TpmtPublic.EccParms(
            TpmtSymDefObject.AES_128_CFB, TpmtScheme.NULL, TpmAlgId.ECC_NIST_P256, TpmtScheme.NULL),
        new byte[32],
        new byte[32]);
  }
}
