package io.parasol.tpm.client;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsCapabilityData;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import io.parasol.tpm.nv.NvPublic;
import io.parasol.tpm.object.TpmtPublic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends the platform's own commands to a TPM at one locality: TPM2_Startup, TPM2_PCR_Extend,
 * TPM2_PCR_Read and the PCR allocation, each marshalled here and its response checked. Platform
 * authorisation is never used; the PCRs a loader extends need only the empty password.
 */
public final class TpmClient {
  /** {@code TPM_SU_CLEAR}. */
  public static final int SU_CLEAR = 0x0000;

  /** {@code TPM_SU_STATE}. */
  public static final int SU_STATE = 0x0001;

  private final TpmEngine engine;
  private final Locality locality;

  public TpmClient(TpmEngine engine, Locality locality) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.locality = Objects.requireNonNull(locality, "locality");
  }

  /** TPM2_Startup with {@link #SU_CLEAR} or {@link #SU_STATE}. */
  public void startup(int startupType) throws TpmCommandException {
    execute(TpmCc.STARTUP, new int[0], false, new TpmWriter().writeU16(startupType).toByteArray());
  }

  /** The banks with at least one PCR allocated ({@code TPM_CAP_PCRS}), in the TPM's order. */
  public List<HashAlgorithm> allocatedBanks() throws TpmCommandException {
    byte[] params =
        new TpmWriter().writeU32(TpmsCapabilityData.CAP_PCRS).writeU32(0).writeU32(1).toByteArray();
    TpmReader r = new TpmReader(execute(TpmCc.GET_CAPABILITY, new int[0], false, params));
    try {
      r.readYesNo();
      TpmsCapabilityData data = TpmsCapabilityData.read(r);
      if (!(data.data() instanceof TpmsCapabilityData.PcrSelections pcrs)) {
        throw new TpmCommandException(TpmCc.GET_CAPABILITY, "capability data other than PCRs");
      }
      List<HashAlgorithm> banks = new ArrayList<>();
      for (TpmsPcrSelection s : pcrs.selections().selections()) {
        if (!s.isEmpty()) {
          banks.add(HashAlgorithm.fromAlgId(s.hashAlg()).orElseThrow());
        }
      }
      return List.copyOf(banks);
    } catch (TpmException e) {
      throw new TpmCommandException(
          TpmCc.GET_CAPABILITY, "a malformed response: " + e.getMessage());
    }
  }

  /** TPM2_PCR_Extend of {@code pcr} with one digest per bank, in the map's order. */
  public void pcrExtend(int pcr, Map<HashAlgorithm, byte[]> digests) throws TpmCommandException {
    TpmWriter w = new TpmWriter().writeU32(digests.size());
    for (var d : digests.entrySet()) {
      w.writeU16(d.getKey().algId()).writeBytes(d.getValue());
    }
    execute(TpmCc.PCR_EXTEND, new int[] {pcr}, true, w.toByteArray());
  }

  /** TPM2_PCR_Read of one PCR in one bank. */
  public byte[] pcrRead(HashAlgorithm bank, int pcr) throws TpmCommandException {
    TpmWriter w = new TpmWriter();
    new TpmlPcrSelection(List.of(TpmsPcrSelection.of(bank.algId(), pcr))).write(w);
    TpmReader r = new TpmReader(execute(TpmCc.PCR_READ, new int[0], false, w.toByteArray()));
    try {
      r.readU32();
      TpmlPcrSelection.read(r);
      if (r.readU32() != 1) {
        throw new TpmCommandException(TpmCc.PCR_READ, "no value for PCR " + pcr);
      }
      return r.read2B(bank.digestSize());
    } catch (TpmException e) {
      throw new TpmCommandException(TpmCc.PCR_READ, "a malformed response: " + e.getMessage());
    }
  }

  /** A primary object the TPM made: its transient handle and its public area. */
  public record Primary(int handle, TpmtPublic publicArea) {}

  /** A quote: the {@code TPMS_ATTEST} bytes the TPM signed and the {@code TPMT_SIGNATURE}. */
  public record Quote(byte[] attest, byte[] signature) {}

  /** TPM2_NV_ReadPublic, or empty when the index is not defined. */
  public java.util.Optional<NvPublic> nvReadPublic(int index) throws TpmCommandException {
    try {
      TpmReader r =
          new TpmReader(
              send(TpmCc.NV_READ_PUBLIC, new int[] {index}, List.of(), new byte[0], 0)
                  .parameters());
      return java.util.Optional.of(NvPublic.read2B(r));
    } catch (TpmCommandException e) {
      if (TpmRc.baseCode(e.rc()) == TpmRc.HANDLE) {
        return java.util.Optional.empty();
      }
      throw e;
    } catch (TpmException e) {
      throw new TpmCommandException(
          TpmCc.NV_READ_PUBLIC, "a malformed response: " + e.getMessage());
    }
  }

  /**
   * TPM2_NV_DefineSpace by {@code hierarchy} (owner or platform) with its {@code hierarchyAuth}.
   */
  public void nvDefineSpace(int hierarchy, byte[] hierarchyAuth, NvPublic nv, byte[] indexAuth)
      throws TpmCommandException {
    TpmWriter w = new TpmWriter().write2B(indexAuth);
    nv.write2B(w);
    send(TpmCc.NV_DEFINE_SPACE, new int[] {hierarchy}, List.of(hierarchyAuth), w.toByteArray(), 0);
  }

  /** TPM2_NV_UndefineSpace by {@code hierarchy}. */
  public void nvUndefineSpace(int hierarchy, byte[] hierarchyAuth, int index)
      throws TpmCommandException {
    send(
        TpmCc.NV_UNDEFINE_SPACE,
        new int[] {hierarchy, index},
        List.of(hierarchyAuth),
        new byte[0],
        0);
  }

  /**
   * Writes {@code data} at offset 0 of {@code index}, in TPM2_NV_Write commands of at most {@link
   * TpmLimits#MAX_NV_BUFFER_SIZE} bytes, authorised by {@code authHandle} (the index itself, the
   * owner or the platform) with {@code auth}.
   */
  public void nvWrite(int authHandle, byte[] auth, int index, byte[] data)
      throws TpmCommandException {
    for (int offset = 0; offset < data.length; offset += TpmLimits.MAX_NV_BUFFER_SIZE) {
      int n = Math.min(TpmLimits.MAX_NV_BUFFER_SIZE, data.length - offset);
      TpmWriter w = new TpmWriter().write2B(java.util.Arrays.copyOfRange(data, offset, offset + n));
      w.writeU16(offset);
      send(TpmCc.NV_WRITE, new int[] {authHandle, index}, List.of(auth), w.toByteArray(), 0);
    }
  }

  /** Reads {@code size} bytes from offset 0 of {@code index}, in chunks as {@link #nvWrite}. */
  public byte[] nvRead(int authHandle, byte[] auth, int index, int size)
      throws TpmCommandException {
    byte[] out = new byte[size];
    for (int offset = 0; offset < size; offset += TpmLimits.MAX_NV_BUFFER_SIZE) {
      int n = Math.min(TpmLimits.MAX_NV_BUFFER_SIZE, size - offset);
      byte[] params = new TpmWriter().writeU16(n).writeU16(offset).toByteArray();
      TpmReader r =
          new TpmReader(
              send(TpmCc.NV_READ, new int[] {authHandle, index}, List.of(auth), params, 0)
                  .parameters());
      try {
        byte[] chunk = r.read2B(n);
        System.arraycopy(chunk, 0, out, offset, chunk.length);
      } catch (TpmException e) {
        throw new TpmCommandException(TpmCc.NV_READ, "a malformed response: " + e.getMessage());
      }
    }
    return out;
  }

  /** TPM2_HierarchyChangeAuth: {@code hierarchy}'s authorisation value from {@code current}. */
  public void hierarchyChangeAuth(int hierarchy, byte[] current, byte[] newAuth)
      throws TpmCommandException {
    send(
        TpmCc.HIERARCHY_CHANGE_AUTH,
        new int[] {hierarchy},
        List.of(current),
        new TpmWriter().write2B(newAuth).toByteArray(),
        0);
  }

  /**
   * TPM2_CreatePrimary in {@code hierarchy} from {@code template}, no sensitive data, no creation
   * PCRs. The same seed and template always give the same key.
   */
  public Primary createPrimary(int hierarchy, byte[] hierarchyAuth, TpmtPublic template)
      throws TpmCommandException {
    TpmWriter w = new TpmWriter();
    w.writeU16(4).write2B(new byte[0]).write2B(new byte[0]);
    template.write2B(w);
    w.write2B(new byte[0]).writeU32(0);
    Response r =
        send(
            TpmCc.CREATE_PRIMARY,
            new int[] {hierarchy},
            List.of(hierarchyAuth),
            w.toByteArray(),
            1);
    try {
      return new Primary(r.handles()[0], TpmtPublic.read2B(new TpmReader(r.parameters()), false));
    } catch (TpmException e) {
      throw new TpmCommandException(
          TpmCc.CREATE_PRIMARY, "a malformed response: " + e.getMessage());
    }
  }

  /** TPM2_FlushContext. */
  public void flushContext(int handle) throws TpmCommandException {
    send(
        TpmCc.FLUSH_CONTEXT,
        new int[0],
        List.of(),
        new TpmWriter().writeU32(handle).toByteArray(),
        0);
  }

  /**
   * TPM2_Quote with the key at {@code signHandle} (empty password) over {@code pcrs} of {@code
   * bank}, with its own scheme, binding {@code qualifyingData}.
   */
  public Quote quote(int signHandle, byte[] qualifyingData, HashAlgorithm bank, int... pcrs)
      throws TpmCommandException {
    TpmWriter w = new TpmWriter().write2B(qualifyingData).writeU16(TpmAlgId.NULL);
    new TpmlPcrSelection(List.of(TpmsPcrSelection.of(bank.algId(), pcrs))).write(w);
    TpmReader r =
        new TpmReader(
            send(TpmCc.QUOTE, new int[] {signHandle}, List.of(new byte[0]), w.toByteArray(), 0)
                .parameters());
    try {
      byte[] attest = r.read2B(TpmLimits.MAX_COMMAND_SIZE);
      return new Quote(attest, r.readBytes(r.remaining()));
    } catch (TpmException e) {
      throw new TpmCommandException(TpmCc.QUOTE, "a malformed response: " + e.getMessage());
    }
  }

  /**
   * Sends one command without response handles and returns its response parameters. With {@code
   * passwordAuth} every handle is authorised by the empty password ({@code TPM_RS_PW}).
   */
  public byte[] execute(int commandCode, int[] handles, boolean passwordAuth, byte[] parameters)
      throws TpmCommandException {
    List<byte[]> auths = new ArrayList<>();
    if (passwordAuth) {
      for (int i = 0; i < handles.length; i++) {
        auths.add(new byte[0]);
      }
    }
    return send(commandCode, handles, auths, parameters, 0).parameters();
  }

  /** A response: its handles and its parameter area. */
  public record Response(int[] handles, byte[] parameters) {}

  /**
   * Sends one command. The first {@code auths.size()} handles are authorised by password sessions
   * ({@code TPM_RS_PW}) with those values; the response is expected to carry {@code
   * responseHandles} handles.
   */
  public Response send(
      int commandCode, int[] handles, List<byte[]> auths, byte[] parameters, int responseHandles)
      throws TpmCommandException {
    TpmWriter w = new TpmWriter();
    w.writeU16(auths.isEmpty() ? TpmSt.NO_SESSIONS : TpmSt.SESSIONS)
        .writeU32(0)
        .writeU32(commandCode);
    for (int h : handles) {
      w.writeU32(h);
    }
    if (!auths.isEmpty()) {
      TpmWriter auth = new TpmWriter();
      for (byte[] value : auths) {
        auth.writeU32(TpmHandle.RS_PW).writeU16(0).writeU8(0x01).write2B(value);
      }
      w.writeU32(auth.size()).writeBytes(auth.toByteArray());
    }
    w.writeBytes(parameters);
    w.patchU32(2, w.size());
    byte[] response = engine.execute(locality, w.toByteArray());
    TpmReader r = new TpmReader(response);
    try {
      int tag = r.readU16();
      long size = r.readU32() & 0xFFFF_FFFFL;
      int rc = r.readU32();
      if (size != response.length) {
        throw new TpmCommandException(
            commandCode, "a response of " + response.length + " bytes that says " + size);
      }
      if (rc != TpmRc.SUCCESS) {
        throw new TpmCommandException(commandCode, rc);
      }
      int[] outHandles = new int[responseHandles];
      for (int i = 0; i < responseHandles; i++) {
        outHandles[i] = r.readU32();
      }
      if (tag == TpmSt.SESSIONS) {
        int parameterSize = r.readU32();
        return new Response(outHandles, r.readBytes(parameterSize));
      }
      return new Response(outHandles, r.readBytes(r.remaining()));
    } catch (TpmException e) {
      throw new TpmCommandException(
          commandCode, "a malformed response (" + response.length + " bytes)");
    }
  }
}
