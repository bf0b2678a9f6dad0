package io.parasol.tpm.client;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsCapabilityData;
import io.parasol.tpm.marshal.TpmsPcrSelection;
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

  /**
   * Sends one command without response handles and returns its response parameters. With {@code
   * passwordAuth} every handle is authorised by the empty password ({@code TPM_RS_PW}).
   */
  public byte[] execute(int commandCode, int[] handles, boolean passwordAuth, byte[] parameters)
      throws TpmCommandException {
    TpmWriter w = new TpmWriter();
    w.writeU16(passwordAuth ? TpmSt.SESSIONS : TpmSt.NO_SESSIONS).writeU32(0).writeU32(commandCode);
    for (int h : handles) {
      w.writeU32(h);
    }
    if (passwordAuth) {
      TpmWriter auth = new TpmWriter();
      for (int i = 0; i < handles.length; i++) {
        auth.writeU32(TpmHandle.RS_PW).writeU16(0).writeU8(0x01).writeU16(0);
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
      if (tag == TpmSt.SESSIONS) {
        int parameterSize = r.readU32();
        return r.readBytes(parameterSize);
      }
      return r.readBytes(r.remaining());
    } catch (TpmException e) {
      throw new TpmCommandException(
          commandCode, "a malformed response (" + response.length + " bytes)");
    }
  }
}
