package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TPMS_CAPABILITY_DATA} (TPM 2.0 Library Part 2 §10.10.2): a {@code TPM_CAP} and the list
 * that goes with it ({@code TPMU_CAPABILITIES}, §10.10.1). The lists are the nested records of
 * {@link Data}; each writes its {@code UINT32} count and its elements.
 */
public record TpmsCapabilityData(int capability, TpmsCapabilityData.Data data) {

  // TPM_CAP, Part 2 Table 22.
  public static final int CAP_ALGS = 0x0000_0000;
  public static final int CAP_HANDLES = 0x0000_0001;
  public static final int CAP_COMMANDS = 0x0000_0002;
  public static final int CAP_PP_COMMANDS = 0x0000_0003;
  public static final int CAP_AUDIT_COMMANDS = 0x0000_0004;
  public static final int CAP_PCRS = 0x0000_0005;
  public static final int CAP_TPM_PROPERTIES = 0x0000_0006;
  public static final int CAP_PCR_PROPERTIES = 0x0000_0007;
  public static final int CAP_ECC_CURVES = 0x0000_0008;
  public static final int CAP_AUTH_POLICIES = 0x0000_0009;
  public static final int CAP_ACT = 0x0000_000A;
  public static final int CAP_VENDOR_PROPERTY = 0x0000_0100;

  public void write(TpmWriter out) {
    out.writeU32(capability);
    data.write(out);
  }

  /** Unmarshals the capabilities this engine produces (for tests and clients). */
  public static TpmsCapabilityData read(TpmReader in) throws TpmException {
    int cap = in.readU32();
    Data data =
        switch (cap) {
          case CAP_ALGS ->
              new AlgProperties(readList(in, r -> new AlgProperty(r.readU16(), r.readU32())));
          case CAP_HANDLES -> new Handles(readList(in, TpmReader::readU32));
          case CAP_COMMANDS -> new CommandAttributes(readList(in, TpmReader::readU32));
          case CAP_PP_COMMANDS, CAP_AUDIT_COMMANDS ->
              new CommandCodes(readList(in, TpmReader::readU32));
          case CAP_PCRS -> new PcrSelections(TpmlPcrSelection.read(in));
          case CAP_TPM_PROPERTIES ->
              new TaggedProperties(readList(in, r -> new TaggedProperty(r.readU32(), r.readU32())));
          case CAP_PCR_PROPERTIES ->
              new TaggedPcrProperties(
                  readList(in, r -> new TaggedPcrSelect(r.readU32(), r.readBytes(r.readU8()))));
          case CAP_ECC_CURVES -> new EccCurves(readList(in, TpmReader::readU16));
          case CAP_AUTH_POLICIES ->
              new TaggedPolicies(
                  readList(in, r -> new TaggedPolicy(r.readU32(), TpmtHa.read(r, true))));
          default -> throw new TpmException(TpmRc.VALUE);
        };
    return new TpmsCapabilityData(cap, data);
  }

  private static <T> List<T> readList(TpmReader in, TpmReader.Unmarshaller<T> element)
      throws TpmException {
    int count = in.readU32();
    if (Integer.compareUnsigned(count, in.remaining()) > 0) {
      throw new TpmException(TpmRc.SIZE);
    }
    List<T> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(element.read(in));
    }
    return list;
  }

  /** {@code TPMU_CAPABILITIES}: one of the lists below. */
  public sealed interface Data {
    /** Writes the list: its {@code UINT32} count, then its elements. */
    void write(TpmWriter out);

    /** The number of elements. */
    int count();
  }

  /** {@code TPMS_ALG_PROPERTY}: an algorithm and its {@code TPMA_ALGORITHM}. */
  public record AlgProperty(int alg, int attributes) {}

  /** {@code TPMS_TAGGED_PROPERTY}: a {@code TPM_PT} and its value. */
  public record TaggedProperty(int property, int value) {}

  /** {@code TPMS_TAGGED_PCR_SELECT}: a {@code TPM_PT_PCR} and the PCRs that have it. */
  public record TaggedPcrSelect(int tag, byte[] pcrSelect) {}

  /** {@code TPMS_TAGGED_POLICY}: a permanent handle and its policy. */
  public record TaggedPolicy(int handle, TpmtHa policyHash) {}

  /**
   * A {@code TPML_*} list of {@link Data}: its {@code UINT32} count, then each element marshalled
   * by {@link #writeElement}.
   */
  public sealed interface ListData<T> extends Data {
    /** The elements. */
    List<T> list();

    /** Writes one element of the list. */
    void writeElement(TpmWriter out, T element);

    @Override
    default void write(TpmWriter out) {
      out.writeU32(list().size());
      list().forEach(e -> writeElement(out, e));
    }

    @Override
    default int count() {
      return list().size();
    }
  }

  /** {@code TPML_ALG_PROPERTY} (§10.9.8). */
  public record AlgProperties(List<AlgProperty> list) implements ListData<AlgProperty> {
    @Override
    public void writeElement(TpmWriter out, AlgProperty a) {
      out.writeU16(a.alg()).writeU32(a.attributes());
    }
  }

  /** {@code TPML_HANDLE} (§10.9.2). */
  public record Handles(List<Integer> list) implements ListData<Integer> {
    @Override
    public void writeElement(TpmWriter out, Integer handle) {
      out.writeU32(handle);
    }
  }

  /** {@code TPML_CCA} (§10.9.2): command attributes ({@code TPMA_CC}). */
  public record CommandAttributes(List<Integer> list) implements ListData<Integer> {
    @Override
    public void writeElement(TpmWriter out, Integer attributes) {
      out.writeU32(attributes);
    }
  }

  /** {@code TPML_CC} (§10.9.1): command codes. */
  public record CommandCodes(List<Integer> list) implements ListData<Integer> {
    @Override
    public void writeElement(TpmWriter out, Integer commandCode) {
      out.writeU32(commandCode);
    }
  }

  /** {@code TPML_PCR_SELECTION} as capability data: the allocated banks. */
  public record PcrSelections(TpmlPcrSelection selections) implements Data {
    @Override
    public void write(TpmWriter out) {
      selections.write(out);
    }

    @Override
    public int count() {
      return selections.selections().size();
    }
  }

  /** {@code TPML_TAGGED_TPM_PROPERTY} (§10.9.10). */
  public record TaggedProperties(List<TaggedProperty> list) implements ListData<TaggedProperty> {
    @Override
    public void writeElement(TpmWriter out, TaggedProperty p) {
      out.writeU32(p.property()).writeU32(p.value());
    }
  }

  /** {@code TPML_TAGGED_PCR_PROPERTY} (§10.9.11). */
  public record TaggedPcrProperties(List<TaggedPcrSelect> list)
      implements ListData<TaggedPcrSelect> {
    @Override
    public void writeElement(TpmWriter out, TaggedPcrSelect p) {
      out.writeU32(p.tag()).writeU8(p.pcrSelect().length).writeBytes(p.pcrSelect());
    }
  }

  /** {@code TPML_ECC_CURVE} (§10.9.12). */
  public record EccCurves(List<Integer> list) implements ListData<Integer> {
    @Override
    public void writeElement(TpmWriter out, Integer curve) {
      out.writeU16(curve);
    }
  }

  /** {@code TPML_TAGGED_POLICY} (§10.9.13). */
  public record TaggedPolicies(List<TaggedPolicy> list) implements ListData<TaggedPolicy> {
    @Override
    public void writeElement(TpmWriter out, TaggedPolicy p) {
      out.writeU32(p.handle());
      p.policyHash().write(out);
    }
  }
}
