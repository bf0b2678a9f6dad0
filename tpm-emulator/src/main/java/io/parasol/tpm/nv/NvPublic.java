package io.parasol.tpm.nv;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * {@code TPMS_NV_PUBLIC} (TPM 2.0 Library Part 2 §13.5): the public area of an NV index. Its
 * marshalled form is hashed into the index's Name, so the Name changes whenever an attribute such
 * as {@link TpmaNv#WRITTEN} or a lock changes (Part 1 §16).
 *
 * @param nvIndex the index's handle ({@code TPMI_RH_NV_INDEX})
 * @param nameAlg the hash of the Name, of extend data and of the authPolicy
 * @param attributes {@code TPMA_NV}
 * @param authPolicy the policy digest; empty for none
 * @param dataSize octets of data (8 for counters, bit fields and PIN indices)
 */
public record NvPublic(
    int nvIndex, HashAlgorithm nameAlg, int attributes, byte[] authPolicy, int dataSize) {

  public NvPublic {
    if (!TpmHandle.isNvIndex(nvIndex)) {
      throw new IllegalArgumentException("not an NV index handle: " + TpmHandle.toString(nvIndex));
    }
    authPolicy = authPolicy.clone();
  }

  @Override
  public byte[] authPolicy() {
    return authPolicy.clone();
  }

  /** This public area with {@code attributes} instead. */
  public NvPublic withAttributes(int newAttributes) {
    return new NvPublic(nvIndex, nameAlg, newAttributes, authPolicy, dataSize);
  }

  /** The index type ({@code TPM_NT}). */
  public int type() {
    return TpmaNv.type(attributes);
  }

  /** True if all of {@code bits} are set in the attributes. */
  public boolean has(int bits) {
    return TpmaNv.isSet(attributes, bits);
  }

  /**
   * Unmarshals a {@code TPMS_NV_PUBLIC}: {@code TPM_RC_VALUE} for a handle outside the NV range,
   * {@code TPM_RC_HASH} for an unimplemented {@code nameAlg}, {@code TPM_RC_RESERVED_BITS} for
   * reserved attributes, {@code TPM_RC_SIZE} for a policy larger than a digest or data larger than
   * {@link NvIndex#MAX_INDEX_SIZE}.
   */
  public static NvPublic read(TpmReader in) throws TpmException {
    int handle = in.readU32();
    if (!TpmHandle.isNvIndex(handle)) {
      throw new TpmException(TpmRc.VALUE);
    }
    HashAlgorithm nameAlg =
        HashAlgorithm.fromAlgId(in.readU16()).orElseThrow(() -> new TpmException(TpmRc.HASH));
    int attributes = in.readU32();
    if ((attributes & TpmaNv.RESERVED) != 0) {
      throw new TpmException(TpmRc.RESERVED_BITS);
    }
    byte[] authPolicy = in.read2B(Tpm2b.DIGEST);
    int dataSize = in.readU16();
    if (dataSize > NvIndex.MAX_INDEX_SIZE) {
      throw new TpmException(TpmRc.SIZE);
    }
    return new NvPublic(handle, nameAlg, attributes, authPolicy, dataSize);
  }

  /** Unmarshals a {@code TPM2B_NV_PUBLIC} (a size of zero, or a mismatch, is TPM_RC_SIZE). */
  public static NvPublic read2B(TpmReader in) throws TpmException {
    return in.readSized(NvPublic::read);
  }

  public void write(TpmWriter out) {
    out.writeU32(nvIndex)
        .writeU16(nameAlg.algId())
        .writeU32(attributes)
        .write2B(authPolicy)
        .writeU16(dataSize);
  }

  /** Marshals as a {@code TPM2B_NV_PUBLIC}. */
  public void write2B(TpmWriter out) {
    int mark = out.beginSized();
    write(out);
    out.endSized(mark);
  }

  /** The marshalled {@code TPMS_NV_PUBLIC}. */
  public byte[] toBytes() {
    TpmWriter w = new TpmWriter(14 + authPolicy.length);
    write(w);
    return w.toByteArray();
  }

  /** The Name: {@code nameAlg || H_nameAlg(TPMS_NV_PUBLIC)} (Part 1 §16). */
  public byte[] name() {
    byte[] digest = nameAlg.digest(toBytes());
    byte[] name = new byte[2 + digest.length];
    name[0] = (byte) (nameAlg.algId() >>> 8);
    name[1] = (byte) nameAlg.algId();
    System.arraycopy(digest, 0, name, 2, digest.length);
    return name;
  }
}
