package io.parasol.tpm.object;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;

/**
 * The consistency checks of a public area (TPM 2.0 Library Part 3 §12.1 TPM2_Create, §12.2
 * TPM2_Load, §24.1 TPM2_CreatePrimary; Part 1 §27.2 and the reference implementation's {@code
 * PublicAttributesValidation} and {@code SchemeChecks}). Each failure is a format-one code without
 * a number; the command attributes it to its {@code inPublic} parameter.
 */
public final class ObjectTemplateCheck {
  private ObjectTemplateCheck() {}

  /**
   * Checks attributes and schemes of {@code pub}.
   *
   * @param parent the parent object, or null for a primary object (whose parent, the seed, counts
   *     as {@code fixedTPM})
   * @param load true for TPM2_Load/Import (the key sizes of the unique field are checked), false
   *     for creation (asymmetric keys must be TPM-generated)
   */
  public static void check(TpmtPublic pub, TpmObject parent, boolean load) throws TpmException {
    int a = pub.attributes();
    HashAlgorithm nameHash = pub.nameHash().orElseThrow(() -> new TpmException(TpmRc.HASH));
    byte[] policy = pub.authPolicy();
    if (policy.length != 0 && policy.length != nameHash.digestSize()) {
      throw new TpmException(TpmRc.SIZE);
    }
    boolean fixedTpm = TpmaObject.isSet(a, TpmaObject.FIXED_TPM);
    boolean fixedParent = TpmaObject.isSet(a, TpmaObject.FIXED_PARENT);
    boolean parentFixedTpm = parent == null || parent.publicArea().has(TpmaObject.FIXED_TPM);
    if (parentFixedTpm ? fixedTpm != fixedParent : fixedTpm) {
      throw new TpmException(TpmRc.ATTRIBUTES);
    }
    boolean restricted = TpmaObject.isSet(a, TpmaObject.RESTRICTED);
    boolean sign = TpmaObject.isSet(a, TpmaObject.SIGN_ENCRYPT);
    boolean decrypt = TpmaObject.isSet(a, TpmaObject.DECRYPT);
    if (restricted && sign == decrypt) {
      throw new TpmException(TpmRc.ATTRIBUTES);
    }
    boolean encDup = TpmaObject.isSet(a, TpmaObject.ENCRYPTED_DUPLICATION);
    if (fixedTpm && encDup) {
      throw new TpmException(TpmRc.ATTRIBUTES);
    }
    if (!parentFixedTpm && encDup != parent.publicArea().has(TpmaObject.ENCRYPTED_DUPLICATION)) {
      throw new TpmException(TpmRc.ATTRIBUTES);
    }
    if (TpmaObject.isSet(a, TpmaObject.X509_SIGN) && (!sign || decrypt || restricted)) {
      throw new TpmException(TpmRc.ATTRIBUTES);
    }
    schemeChecks(pub, parent, load);
  }

  /**
   * {@code SchemeChecks}: the scheme and symmetric definitions against the attributes (also used
   * alone by TPM2_LoadExternal).
   */
  public static void schemeChecks(TpmtPublic pub, TpmObject parent, boolean load)
      throws TpmException {
    int a = pub.attributes();
    boolean restricted = TpmaObject.isSet(a, TpmaObject.RESTRICTED);
    boolean sign = TpmaObject.isSet(a, TpmaObject.SIGN_ENCRYPT);
    boolean decrypt = TpmaObject.isSet(a, TpmaObject.DECRYPT);
    switch (pub.parameters()) {
      case TpmtPublic.AsymParms asym -> {
        if (!load && !TpmaObject.isSet(a, TpmaObject.SENSITIVE_DATA_ORIGIN)) {
          throw new TpmException(TpmRc.ATTRIBUTES);
        }
        if (load) {
          checkKeySize(pub);
        }
        TpmtScheme scheme = asym.scheme();
        if (sign && decrypt && !scheme.isNull()) {
          throw new TpmException(TpmRc.SCHEME);
        }
        if (restricted && sign && scheme.isNull()) {
          throw new TpmException(TpmRc.SCHEME);
        }
        if (!scheme.isNull()
            && ((sign && !isSignScheme(scheme.scheme()))
                || (decrypt && !isDecryptScheme(scheme.scheme())))) {
          throw new TpmException(TpmRc.SCHEME);
        }
        if (asym instanceof TpmtPublic.EccParms ecc && !ecc.kdf().isNull()) {
          throw new TpmException(TpmRc.KDF);
        }
        if (restricted && decrypt) {
          if (asym.symmetric().isNull()) {
            throw new TpmException(TpmRc.SYMMETRIC);
          }
          if (!scheme.isNull()) {
            throw new TpmException(TpmRc.SCHEME);
          }
          if (asym.symmetric().mode() != TpmAlgId.CFB) {
            throw new TpmException(TpmRc.MODE);
          }
        } else if (!asym.symmetric().isNull()) {
          throw new TpmException(TpmRc.SYMMETRIC);
        }
      }
      case TpmtPublic.KeyedHashParms kh -> {
        TpmtScheme scheme = kh.scheme();
        if (sign == decrypt) {
          if (!scheme.isNull()) {
            throw new TpmException(TpmRc.SCHEME);
          }
        } else if (decrypt) {
          // A restricted one is a derivation parent (Part 1 §27.8): XOR or NULL (as tpm2-tools
          // {@code -G keyedhash} creates it).
          if (scheme.scheme() != TpmAlgId.XOR && !(restricted && scheme.isNull())) {
            throw new TpmException(TpmRc.SCHEME);
          }
        } else if (scheme.scheme() != TpmAlgId.HMAC) {
          throw new TpmException(TpmRc.SCHEME);
        }
      }
      case TpmtPublic.SymCipherParms sc -> {
        if (!decrypt) {
          throw new TpmException(TpmRc.ATTRIBUTES);
        }
        // A restricted (storage) symmetric key protects children with CFB; NULL means that too.
        if (restricted && sc.sym().mode() != TpmAlgId.CFB && sc.sym().mode() != TpmAlgId.NULL) {
          throw new TpmException(TpmRc.MODE);
        }
      }
    }
  }

  /**
   * The size of the unique field against the parameters ({@code CryptAreKeySizesConsistent}):
   * {@code TPM_RC_KEY} if the RSA modulus or ECC coordinates have the wrong size.
   */
  public static void checkKeySize(TpmtPublic pub) throws TpmException {
    switch (pub.parameters()) {
      case TpmtPublic.RsaParms rsa -> {
        if (pub.unique().length != rsa.keyBits() / 8) {
          throw new TpmException(TpmRc.KEY);
        }
      }
      case TpmtPublic.EccParms ecc -> {
        int n = ecc.curve().byteLength();
        if (pub.unique().length > n || pub.uniqueY().length > n) {
          throw new TpmException(TpmRc.KEY);
        }
      }
      default -> {
        HashAlgorithm h = pub.nameHash().orElse(null);
        if (h != null && pub.unique().length != h.digestSize()) {
          throw new TpmException(TpmRc.KEY);
        }
      }
    }
  }

  private static boolean isSignScheme(int scheme) {
    return scheme == TpmAlgId.RSASSA
        || scheme == TpmAlgId.RSAPSS
        || scheme == TpmAlgId.ECDSA
        || scheme == TpmAlgId.HMAC;
  }

  private static boolean isDecryptScheme(int scheme) {
    return scheme == TpmAlgId.RSAES || scheme == TpmAlgId.OAEP || scheme == TpmAlgId.ECDH;
  }

  /**
   * The checks of the sensitive data given for creation (Part 3 §12.1.1): asymmetric keys take no
   * data ({@code TPM_RC_VALUE}); a symmetric cipher key is given whole or not at all ({@code
   * TPM_RC_KEY_SIZE}); {@code sensitiveDataOrigin} must be CLEAR when data is given and, for a
   * symmetric key, SET when none is ({@code TPM_RC_ATTRIBUTES}, about {@code inPublic}); the
   * authValue may not be longer than a digest of the name algorithm ({@code TPM_RC_SIZE}).
   *
   * @param sensitiveParam the number of the {@code inSensitive} parameter
   * @param publicParam the number of the {@code inPublic} parameter
   */
  public static void checkSensitiveCreate(
      TpmtPublic pub, SensitiveCreate in, int sensitiveParam, int publicParam) throws TpmException {
    HashAlgorithm nameHash =
        pub.nameHash()
            .orElseThrow(() -> new TpmException(TpmRc.parameter(TpmRc.HASH, publicParam)));
    if (Entity.trimTrailingZeros(in.userAuth()).length > nameHash.digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, sensitiveParam));
    }
    byte[] data = in.data();
    boolean origin = pub.has(TpmaObject.SENSITIVE_DATA_ORIGIN);
    switch (pub.parameters()) {
      case TpmtPublic.AsymParms ignored -> {
        if (data.length != 0) {
          throw new TpmException(TpmRc.parameter(TpmRc.VALUE, sensitiveParam));
        }
      }
      case TpmtPublic.SymCipherParms sc -> {
        if (origin == (data.length != 0)) {
          throw new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, publicParam));
        }
        if (data.length != 0 && data.length * 8 != sc.sym().keyBits()) {
          throw new TpmException(TpmRc.parameter(TpmRc.KEY_SIZE, sensitiveParam));
        }
      }
      case TpmtPublic.KeyedHashParms ignored -> {
        if (origin && data.length != 0) {
          throw new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, publicParam));
        }
      }
    }
  }
}
