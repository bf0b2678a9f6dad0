package io.parasol.tpm.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.Ecc;
import io.parasol.tpm.crypto.EccKeyPair;
import io.parasol.tpm.crypto.EccPoint;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.RsaPrivateKey;
import io.parasol.tpm.crypto.RsaPublicKey;
import io.parasol.tpm.crypto.TpmCryptoException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * A loaded object (TPM 2.0 Library Part 1 §27, the reference implementation's {@code OBJECT}): a
 * transient object at {@code 0x80xxxxxx} or a persistent one at {@code 0x81xxxxxx}, with its public
 * area, its sensitive area (absent for a public-only object loaded with TPM2_LoadExternal), Name,
 * Qualified Name and hierarchy. Immutable: a new handle or authValue is a new instance.
 *
 * <p>As an {@link Entity} it answers the authorisation questions of Part 1 §19.7: the authValue may
 * be used in the USER role only if {@code userWithAuth} is set, in the ADMIN role only if {@code
 * adminWithPolicy} is clear, never in the DUP role; failed authorisations count toward lockout
 * unless {@code noDA} is set.
 */
public final class TpmObject implements Entity {
  private final int handle;
  private final TpmtPublic publicArea;
  private final TpmtSensitive sensitive;
  private final byte[] name;
  private final byte[] qualifiedName;
  private final int hierarchy;
  private final boolean external;
  // Keys rebuilt from the sensitive area, lazily.
  private RsaPrivateKey rsaKey;
  private EccKeyPair eccKey;

  /**
   * A loaded object.
   *
   * @param sensitive null for a public-only object
   * @param qualifiedName the QN (Part 1 §16.6)
   * @param hierarchy {@code TPM_RH_PLATFORM}, {@code _OWNER}, {@code _ENDORSEMENT} or {@code _NULL}
   * @param external true for an object loaded with TPM2_LoadExternal (never a parent)
   */
  public TpmObject(
      int handle,
      TpmtPublic publicArea,
      TpmtSensitive sensitive,
      byte[] qualifiedName,
      int hierarchy,
      boolean external) {
    this.handle = handle;
    this.publicArea = publicArea;
    this.sensitive = sensitive;
    this.name = publicArea.name();
    this.qualifiedName = qualifiedName.clone();
    this.hierarchy = hierarchy;
    this.external = external;
  }

  /**
   * The object behind handle {@code n} of a command.
   *
   * @throws TpmException {@code TPM_RC_TYPE + H + n} if the handle names something else (a sequence
   *     object)
   */
  public static TpmObject require(Entity entity, int n) throws TpmException {
    if (entity instanceof TpmObject o) {
      return o;
    }
    throw new TpmException(TpmRc.handle(TpmRc.TYPE, n));
  }

  /** This object at another handle (loaded, context-loaded or made persistent). */
  public TpmObject withHandle(int newHandle) {
    TpmObject o =
        new TpmObject(newHandle, publicArea, sensitive, qualifiedName, hierarchy, external);
    o.rsaKey = rsaKey;
    o.eccKey = eccKey;
    return o;
  }

  /**
   * The Qualified Name of a child: {@code nameAlg || H_nameAlg(parentQN || childName)} (Part 1
   * §16.6); the QN of a hierarchy is its handle.
   */
  public static byte[] qualifiedName(byte[] parentQn, TpmtPublic child) {
    HashAlgorithm h = child.nameHash().orElse(null);
    byte[] childName = child.name();
    if (h == null) {
      return childName;
    }
    byte[] digest = h.digest(parentQn, childName);
    byte[] qn = new byte[2 + digest.length];
    qn[0] = (byte) (h.algId() >>> 8);
    qn[1] = (byte) h.algId();
    System.arraycopy(digest, 0, qn, 2, digest.length);
    return qn;
  }

  @Override
  public int handle() {
    return handle;
  }

  public TpmtPublic publicArea() {
    return publicArea;
  }

  /** True if only the public area is loaded. */
  public boolean isPublicOnly() {
    return sensitive == null;
  }

  /**
   * The sensitive area.
   *
   * @throws IllegalStateException for a public-only object
   */
  public TpmtSensitive sensitive() {
    if (sensitive == null) {
      throw new IllegalStateException("public-only object");
    }
    return sensitive;
  }

  /** True if loaded by TPM2_LoadExternal. */
  public boolean isExternal() {
    return external;
  }

  /** The name algorithm (objects with a NULL name algorithm answer SHA-256, never used). */
  public HashAlgorithm nameHash() {
    return publicArea.nameHash().orElse(HashAlgorithm.SHA256);
  }

  @Override
  public byte[] name() {
    return name.clone();
  }

  public byte[] qualifiedName() {
    return qualifiedName.clone();
  }

  @Override
  public byte[] authValue() {
    return sensitive == null ? new byte[0] : Entity.trimTrailingZeros(sensitive.authValue());
  }

  @Override
  public byte[] authPolicy() {
    return publicArea.authPolicy();
  }

  @Override
  public int authPolicyAlg() {
    return publicArea.authPolicy().length == 0 ? TpmAlgId.NULL : publicArea.nameAlg();
  }

  @Override
  public boolean isDaProtected() {
    return !publicArea.has(TpmaObject.NO_DA);
  }

  @Override
  public int hierarchy() {
    return hierarchy;
  }

  @Override
  public boolean authValueAllowed(AuthRole role, int commandCode) {
    return switch (role) {
      case USER -> publicArea.has(TpmaObject.USER_WITH_AUTH);
      case ADMIN -> !publicArea.has(TpmaObject.ADMIN_WITH_POLICY);
      default -> false;
    };
  }

  /** True if this object can be a parent: a storage key with its sensitive area. */
  public boolean isParent() {
    // DEVNOTE: keyed-hash derivation parents (Part 1 §27.8) are not implemented.
    return sensitive != null
        && !external
        && publicArea.isStorage()
        && publicArea.type() != io.parasol.tpm.TpmAlgId.KEYEDHASH;
  }

  // ------------------------------------------------------------------------ keys

  /** The RSA public key from the unique field. */
  public RsaPublicKey rsaPublicKey() throws TpmException {
    if (publicArea.type() != TpmAlgId.RSA) {
      throw new TpmException(TpmRc.KEY);
    }
    TpmtPublic.RsaParms p = (TpmtPublic.RsaParms) publicArea.parameters();
    try {
      return RsaPublicKey.of(publicArea.unique(), p.exponent() == 0 ? 65537 : p.exponent());
    } catch (TpmCryptoException e) {
      throw new TpmException(TpmRc.KEY);
    }
  }

  /** The RSA private key rebuilt from the stored prime ({@code TPM_RC_BINDING} if it fails). */
  public RsaPrivateKey rsaPrivateKey() throws TpmException {
    if (rsaKey == null) {
      try {
        rsaKey =
            RsaPrivateKey.fromPrime(rsaPublicKey(), new BigInteger(1, sensitive().sensitive()));
      } catch (TpmCryptoException e) {
        throw new TpmException(TpmRc.BINDING);
      }
    }
    return rsaKey;
  }

  /** The ECC public point ({@code TPM_RC_ECC_POINT} if not on the curve). */
  public EccPoint eccPublicPoint() throws TpmException {
    if (publicArea.type() != TpmAlgId.ECC) {
      throw new TpmException(TpmRc.KEY);
    }
    TpmtPublic.EccParms p = (TpmtPublic.EccParms) publicArea.parameters();
    try {
      return Ecc.validate(p.curve(), publicArea.unique(), publicArea.uniqueY());
    } catch (TpmCryptoException e) {
      throw new TpmException(TpmRc.ECC_POINT);
    }
  }

  /** The ECC key pair from the stored scalar ({@code TPM_RC_BINDING} if it does not match). */
  public EccKeyPair eccKeyPair() throws TpmException {
    if (eccKey == null) {
      TpmtPublic.EccParms p = (TpmtPublic.EccParms) publicArea.parameters();
      EccKeyPair k;
      try {
        k = Ecc.fromPrivate(p.curve(), new BigInteger(1, sensitive().sensitive()));
      } catch (TpmCryptoException e) {
        throw new TpmException(TpmRc.BINDING);
      }
      EccPoint q = eccPublicPoint();
      if (!k.publicPoint().x().equals(q.x()) || !k.publicPoint().y().equals(q.y())) {
        throw new TpmException(TpmRc.BINDING);
      }
      eccKey = k;
    }
    return eccKey;
  }

  /**
   * Checks that the sensitive area belongs to the public area (Part 1 §27.6 "Object Binding",
   * {@code CryptValidateKeys}): types equal, RSA prime divides the modulus, ECC scalar gives the
   * public point, symmetric and keyed-hash {@code unique = H(seedValue || key)}.
   *
   * @throws TpmException {@code TPM_RC_TYPE} for different types, {@code TPM_RC_BINDING} else
   */
  public void checkBinding() throws TpmException {
    if (sensitive == null) {
      return;
    }
    if (sensitive.sensitiveType() != publicArea.type()) {
      throw new TpmException(TpmRc.TYPE);
    }
    switch (publicArea.type()) {
      case TpmAlgId.RSA -> rsaPrivateKey();
      case TpmAlgId.ECC -> eccKeyPair();
      default -> {
        HashAlgorithm h = publicArea.nameHash().orElse(null);
        if (h != null
            && !Arrays.equals(
                publicArea.unique(), h.digest(sensitive.seedValue(), sensitive.sensitive()))) {
          throw new TpmException(TpmRc.BINDING);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "TpmObject[" + io.parasol.tpm.TpmHandle.toString(handle) + "]";
  }
}
