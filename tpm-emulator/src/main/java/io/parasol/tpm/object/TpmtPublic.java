package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.EccCurve;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code TPMT_PUBLIC} (TPM 2.0 Library Part 2 §12.2.4): the public area of an object — type, name
 * algorithm, attributes, authPolicy, the type's parameters ({@code TPMU_PUBLIC_PARMS}) and its
 * unique identifier ({@code TPMU_PUBLIC_ID}).
 *
 * <p>The unique field is {@link #unique()} — the RSA modulus, the keyed-hash or symmetric {@code
 * H(seedValue || key)}, or the x-coordinate of an ECC point — and {@link #uniqueY()} for the ECC
 * y-coordinate (empty for other types). Byte arrays are copied in and out.
 *
 * @param type {@code TPM_ALG_RSA}, {@code _ECC}, {@code _KEYEDHASH} or {@code _SYMCIPHER}
 * @param nameAlg the name algorithm ({@code TPM_ALG_NULL} only for some external objects)
 * @param attributes {@code TPMA_OBJECT}
 * @param authPolicy empty or a digest of {@code nameAlg}
 * @param parameters the type's parameters
 */
public record TpmtPublic(
    int type,
    int nameAlg,
    int attributes,
    byte[] authPolicy,
    Parameters parameters,
    byte[] unique,
    byte[] uniqueY) {

  /** {@code TPM2B_PUBLIC_KEY_RSA}: {@code MAX_RSA_KEY_BYTES}. */
  public static final int MAX_RSA_KEY_BYTES = TpmLimits.MAX_RSA_KEY_BYTES;

  /** {@code TPM2B_ECC_PARAMETER}: {@code MAX_ECC_KEY_BYTES} (P-384). */
  public static final int MAX_ECC_KEY_BYTES = 48;

  /** {@code TPMU_PUBLIC_PARMS}: one record per object type. */
  public sealed interface Parameters permits KeyedHashParms, SymCipherParms, AsymParms {
    void write(TpmWriter out);
  }

  /** {@code TPMS_KEYEDHASH_PARMS}: the scheme (HMAC, XOR or NULL for a data object). */
  public record KeyedHashParms(TpmtScheme scheme) implements Parameters {
    @Override
    public void write(TpmWriter out) {
      scheme.write(out);
    }
  }

  /** {@code TPMS_SYMCIPHER_PARMS}. */
  public record SymCipherParms(TpmtSymDefObject sym) implements Parameters {
    @Override
    public void write(TpmWriter out) {
      sym.write(out);
    }
  }

  /** The parameters shared by RSA and ECC keys ({@code TPMS_ASYM_PARMS}). */
  public sealed interface AsymParms extends Parameters permits RsaParms, EccParms {
    /** The protection of a storage key's children; NULL for other keys. */
    TpmtSymDefObject symmetric();

    /** The key's scheme; NULL if chosen at use. */
    TpmtScheme scheme();
  }

  /**
   * {@code TPMS_RSA_PARMS}.
   *
   * @param exponent the public exponent, 0 for the default 2^16+1
   */
  public record RsaParms(TpmtSymDefObject symmetric, TpmtScheme scheme, int keyBits, long exponent)
      implements AsymParms {
    @Override
    public void write(TpmWriter out) {
      symmetric.write(out);
      scheme.write(out);
      out.writeU16(keyBits).writeU32((int) exponent);
    }
  }

  /** {@code TPMS_ECC_PARMS}. */
  public record EccParms(TpmtSymDefObject symmetric, TpmtScheme scheme, int curveId, TpmtScheme kdf)
      implements AsymParms {
    @Override
    public void write(TpmWriter out) {
      symmetric.write(out);
      scheme.write(out);
      out.writeU16(curveId);
      kdf.write(out);
    }

    /** The curve (unmarshalling accepts implemented curves only). */
    public EccCurve curve() {
      return EccCurve.fromCurveId(curveId).orElseThrow();
    }
  }

  public TpmtPublic {
    authPolicy = authPolicy.clone();
    unique = unique.clone();
    uniqueY = uniqueY.clone();
  }

  @Override
  public byte[] authPolicy() {
    return authPolicy.clone();
  }

  @Override
  public byte[] unique() {
    return unique.clone();
  }

  @Override
  public byte[] uniqueY() {
    return uniqueY.clone();
  }

  /** The name algorithm, empty for {@code TPM_ALG_NULL}. */
  public Optional<HashAlgorithm> nameHash() {
    return HashAlgorithm.fromAlgId(nameAlg);
  }

  /** True if every bit of {@code bits} is set in the attributes. */
  public boolean has(int bits) {
    return TpmaObject.isSet(attributes, bits);
  }

  /** True for RSA and ECC keys. */
  public boolean isAsymmetric() {
    return type == TpmAlgId.RSA || type == TpmAlgId.ECC;
  }

  /**
   * True for a storage key (Part 1 §27.1: restricted, decrypt, not sign), the kind of object that
   * can be a parent.
   */
  public boolean isStorage() {
    return has(TpmaObject.RESTRICTED | TpmaObject.DECRYPT) && !has(TpmaObject.SIGN_ENCRYPT);
  }

  /** The same public area with another attribute set. */
  public TpmtPublic withAttributes(int newAttributes) {
    return new TpmtPublic(type, nameAlg, newAttributes, authPolicy, parameters, unique, uniqueY);
  }

  /** The same public area with another unique field. */
  public TpmtPublic withUnique(byte[] newUnique, byte[] newUniqueY) {
    return new TpmtPublic(type, nameAlg, attributes, authPolicy, parameters, newUnique, newUniqueY);
  }

  // ------------------------------------------------------------------------ marshalling

  /**
   * Unmarshals a {@code TPMT_PUBLIC}. Errors: an unknown type {@code TPM_RC_TYPE}, a name algorithm
   * that is not an implemented hash {@code TPM_RC_HASH} ({@code TPM_ALG_NULL} only if {@code
   * nullNameAlg}), reserved attribute bits {@code TPM_RC_RESERVED_BITS}, an unknown scheme {@code
   * TPM_RC_SCHEME}, symmetric algorithm {@code TPM_RC_SYMMETRIC}, RSA key size {@code
   * TPM_RC_VALUE}, curve {@code TPM_RC_CURVE}, KDF {@code TPM_RC_KDF}; sizes {@code TPM_RC_SIZE}.
   */
  public static TpmtPublic read(TpmReader in, boolean nullNameAlg) throws TpmException {
    int type = in.readU16();
    if (type != TpmAlgId.RSA
        && type != TpmAlgId.ECC
        && type != TpmAlgId.KEYEDHASH
        && type != TpmAlgId.SYMCIPHER) {
      throw new TpmException(TpmRc.TYPE);
    }
    int nameAlg = in.readU16();
    if (!(nameAlg == TpmAlgId.NULL && nullNameAlg) && HashAlgorithm.fromAlgId(nameAlg).isEmpty()) {
      throw new TpmException(TpmRc.HASH);
    }
    int attributes = TpmaObject.check(in.readU32());
    byte[] authPolicy = in.read2B(Tpm2b.DIGEST);
    Parameters parameters = readParameters(in, type);
    byte[] unique;
    byte[] uniqueY = new byte[0];
    switch (type) {
      case TpmAlgId.RSA -> unique = in.read2B(MAX_RSA_KEY_BYTES);
      case TpmAlgId.ECC -> {
        unique = in.read2B(MAX_ECC_KEY_BYTES);
        uniqueY = in.read2B(MAX_ECC_KEY_BYTES);
      }
      default -> unique = in.read2B(Tpm2b.DIGEST);
    }
    return new TpmtPublic(type, nameAlg, attributes, authPolicy, parameters, unique, uniqueY);
  }

  /**
   * Unmarshals the {@code TPMU_PUBLIC_PARMS} of {@code type} (also the body of a {@code
   * TPMT_PUBLIC_PARMS}, TPM2_TestParms), with the error codes of {@link #read}.
   */
  public static Parameters readParameters(TpmReader in, int type) throws TpmException {
    return switch (type) {
      case TpmAlgId.KEYEDHASH ->
          new KeyedHashParms(TpmtScheme.read(in, TpmtScheme.KEYEDHASH, true, TpmRc.SCHEME));
      case TpmAlgId.SYMCIPHER -> new SymCipherParms(TpmtSymDefObject.read(in, false));
      case TpmAlgId.RSA -> {
        TpmtSymDefObject sym = TpmtSymDefObject.read(in, true);
        TpmtScheme scheme = TpmtScheme.read(in, TpmtScheme.RSA, true, TpmRc.SCHEME);
        int keyBits = in.readU16();
        if (keyBits != 1024 && keyBits != 2048 && keyBits != 3072) {
          throw new TpmException(TpmRc.VALUE);
        }
        yield new RsaParms(sym, scheme, keyBits, in.readU32() & 0xFFFF_FFFFL);
      }
      case TpmAlgId.ECC -> {
        TpmtSymDefObject sym = TpmtSymDefObject.read(in, true);
        TpmtScheme scheme = TpmtScheme.read(in, TpmtScheme.ECC, true, TpmRc.SCHEME);
        int curve = in.readU16();
        if (EccCurve.fromCurveId(curve).isEmpty()) {
          throw new TpmException(TpmRc.CURVE);
        }
        yield new EccParms(
            sym, scheme, curve, TpmtScheme.read(in, TpmtScheme.KDF, true, TpmRc.KDF));
      }
      default -> throw new TpmException(TpmRc.TYPE);
    };
  }

  /** Unmarshals a {@code TPM2B_PUBLIC} (a zero size is {@code TPM_RC_SIZE}). */
  public static TpmtPublic read2B(TpmReader in, boolean nullNameAlg) throws TpmException {
    return in.readSized(r -> read(r, nullNameAlg));
  }

  /** Unmarshals a {@code TPMT_PUBLIC} from exactly {@code bytes}. */
  public static TpmtPublic parse(byte[] bytes) throws TpmException {
    TpmReader in = new TpmReader(bytes);
    TpmtPublic p = read(in, true);
    if (!in.atEnd()) {
      throw new TpmException(TpmRc.SIZE);
    }
    return p;
  }

  public void write(TpmWriter out) {
    out.writeU16(type).writeU16(nameAlg).writeU32(attributes).write2B(authPolicy);
    parameters.write(out);
    out.write2B(unique);
    if (type == TpmAlgId.ECC) {
      out.write2B(uniqueY);
    }
  }

  /** Marshals as a {@code TPM2B_PUBLIC}. */
  public void write2B(TpmWriter out) {
    int mark = out.beginSized();
    write(out);
    out.endSized(mark);
  }

  /** The canonical {@code TPMT_PUBLIC} bytes. */
  public byte[] marshal() {
    TpmWriter w = new TpmWriter();
    write(w);
    return w.toByteArray();
  }

  /**
   * The Name (Part 1 §16): {@code nameAlg || H_nameAlg(TPMT_PUBLIC)}; the Empty Buffer when the
   * name algorithm is {@code TPM_ALG_NULL}.
   */
  public byte[] name() {
    Optional<HashAlgorithm> h = nameHash();
    if (h.isEmpty()) {
      return new byte[0];
    }
    byte[] digest = h.get().digest(marshal());
    byte[] name = new byte[2 + digest.length];
    name[0] = (byte) (nameAlg >>> 8);
    name[1] = (byte) nameAlg;
    System.arraycopy(digest, 0, name, 2, digest.length);
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmtPublic p && Arrays.equals(p.marshal(), marshal());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(marshal());
  }

  @Override
  public String toString() {
    return "TpmtPublic[" + HexFormat.of().formatHex(marshal()) + "]";
  }
}
