package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * {@code TPMT_SENSITIVE} (TPM 2.0 Library Part 2 §12.3.2.4): the secret part of an object — its
 * authValue, its seedValue (the seed protecting a storage key's children, or the obfuscation value
 * of a symmetric or keyed-hash object) and the key itself ({@code TPMU_SENSITIVE_COMPOSITE}: one
 * RSA prime, the ECC private scalar, the keyed-hash key or sealed data, the symmetric key). {@link
 * #toString()} reveals nothing.
 *
 * @param sensitiveType the object type; equal to the public area's
 */
public record TpmtSensitive(
    int sensitiveType, byte[] authValue, byte[] seedValue, byte[] sensitive) {

  /** {@code TPM2B_PRIVATE_KEY_RSA}: half a maximum modulus (one prime). */
  public static final int MAX_RSA_PRIME_BYTES = TpmLimits.MAX_RSA_KEY_BYTES / 2;

  /** {@code TPM2B_SYM_KEY}: {@code MAX_SYM_KEY_BYTES}. */
  public static final int MAX_SYM_KEY_BYTES = 32;

  public TpmtSensitive {
    authValue = authValue.clone();
    seedValue = seedValue.clone();
    sensitive = sensitive.clone();
  }

  @Override
  public byte[] authValue() {
    return authValue.clone();
  }

  @Override
  public byte[] seedValue() {
    return seedValue.clone();
  }

  @Override
  public byte[] sensitive() {
    return sensitive.clone();
  }

  /** The same sensitive area with a new authValue (TPM2_ObjectChangeAuth). */
  public TpmtSensitive withAuthValue(byte[] newAuth) {
    return new TpmtSensitive(sensitiveType, newAuth, seedValue, sensitive);
  }

  /** Unmarshals; an unknown type is {@code TPM_RC_TYPE}, oversized buffers {@code TPM_RC_SIZE}. */
  public static TpmtSensitive read(TpmReader in) throws TpmException {
    int type = in.readU16();
    byte[] auth = in.read2B(Tpm2b.AUTH);
    byte[] seed = in.read2B(Tpm2b.DIGEST);
    int max =
        switch (type) {
          case TpmAlgId.RSA -> MAX_RSA_PRIME_BYTES;
          case TpmAlgId.ECC -> TpmtPublic.MAX_ECC_KEY_BYTES;
          case TpmAlgId.KEYEDHASH -> Tpm2b.SENSITIVE_DATA;
          case TpmAlgId.SYMCIPHER -> MAX_SYM_KEY_BYTES;
          default -> throw new TpmException(TpmRc.TYPE);
        };
    return new TpmtSensitive(type, auth, seed, in.read2B(max));
  }

  /** Unmarshals a {@code TPM2B_SENSITIVE} from exactly {@code bytes}. */
  public static TpmtSensitive parse2B(byte[] bytes) throws TpmException {
    TpmReader in = new TpmReader(bytes);
    TpmtSensitive s = in.readSized(TpmtSensitive::read);
    if (!in.atEnd()) {
      throw new TpmException(TpmRc.SIZE);
    }
    return s;
  }

  public void write(TpmWriter out) {
    out.writeU16(sensitiveType).write2B(authValue).write2B(seedValue).write2B(sensitive);
  }

  /** The marshalled {@code TPM2B_SENSITIVE}, size included. */
  public byte[] marshal2B() {
    TpmWriter w = new TpmWriter();
    int mark = w.beginSized();
    write(w);
    w.endSized(mark);
    return w.toByteArray();
  }

  @Override
  public String toString() {
    return "TpmtSensitive[type=0x" + Integer.toHexString(sensitiveType) + ", secret]";
  }
}
