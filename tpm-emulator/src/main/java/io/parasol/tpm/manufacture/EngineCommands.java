package io.parasol.tpm.manufacture;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.function.Consumer;

/**
 * Sends the manufacturing commands to an engine as a TPM client would (Part 1 §18: header, handle
 * area, an authorisation area with one password session when asked, parameters) and checks the
 * response codes.
 */
final class EngineCommands {
  /** {@code TPMA_SESSION.continueSession}. */
  private static final int CONTINUE_SESSION = 0x01;

  private final TpmEngine tpm;

  EngineCommands(TpmEngine tpm) {
    this.tpm = tpm;
  }

  /** A refused command, with its response code. */
  static final class Refused extends ManufactureException {
    private static final long serialVersionUID = 1L;
    private final int rc;

    Refused(int commandCode, int rc) {
      super("TPM2_" + TpmCc.name(commandCode) + " failed: " + TpmRc.describe(rc));
      this.rc = rc;
    }

    int rc() {
      return rc;
    }
  }

  /**
   * Runs a command without sessions; returns a reader over the response after its header.
   *
   * @throws Refused if the TPM answers with a response code other than success
   */
  TpmReader run(int commandCode, int[] handles, Consumer<TpmWriter> parameters)
      throws ManufactureException {
    return send(commandCode, handles, false, parameters);
  }

  /**
   * Runs a command whose first handle is authorised by the empty password ({@code TPM_RS_PW});
   * returns a reader over the response after its header (response handles, then {@code
   * parameterSize}).
   */
  TpmReader runWithPassword(int commandCode, int[] handles, Consumer<TpmWriter> parameters)
      throws ManufactureException {
    return send(commandCode, handles, true, parameters);
  }

  private TpmReader send(
      int commandCode, int[] handles, boolean password, Consumer<TpmWriter> parameters)
      throws ManufactureException {
    TpmWriter w = new TpmWriter();
    w.writeU16(password ? TpmSt.SESSIONS : TpmSt.NO_SESSIONS).writeU32(0).writeU32(commandCode);
    for (int h : handles) {
      w.writeU32(h);
    }
    if (password) {
      int authSize = w.size();
      w.writeU32(0);
      w.writeU32(TpmHandle.RS_PW).write2B(new byte[0]).writeU8(CONTINUE_SESSION);
      w.write2B(new byte[0]);
      w.patchU32(authSize, w.size() - authSize - 4);
    }
    parameters.accept(w);
    w.patchU32(2, w.size());
    byte[] response = tpm.execute(Locality.ZERO, w.toByteArray());
    TpmReader r = new TpmReader(response);
    try {
      r.readU16();
      r.readU32();
      int rc = r.readU32();
      if (rc != TpmRc.SUCCESS) {
        throw new Refused(commandCode, rc);
      }
    } catch (TpmException e) {
      throw new ManufactureException(
          "TPM2_" + TpmCc.name(commandCode) + " gave a malformed response", e);
    }
    return r;
  }
}
