package io.parasol.tpm;

import io.parasol.tpm.marshal.TpmWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds TPM 2.0 command byte strings for tests: header, handles, an optional authorisation area,
 * parameters. Other chapters' tests use it too.
 */
public final class TpmCommandBuilder {
  private final int commandCode;
  private final List<Integer> handles = new ArrayList<>();
  private final List<byte[]> sessions = new ArrayList<>();
  private final TpmWriter parameters = new TpmWriter();
  private boolean forceSessionsTag;

  private TpmCommandBuilder(int commandCode) {
    this.commandCode = commandCode;
  }

  public static TpmCommandBuilder command(int commandCode) {
    return new TpmCommandBuilder(commandCode);
  }

  public TpmCommandBuilder handle(int handle) {
    handles.add(handle);
    return this;
  }

  /** A password session ({@code TPM_RS_PW}, continueSession) with {@code password}. */
  public TpmCommandBuilder password(byte[] password) {
    return session(TpmHandle.RS_PW, new byte[0], 0x01, password);
  }

  /** The empty password. */
  public TpmCommandBuilder password() {
    return password(new byte[0]);
  }

  /** A raw session entry. */
  public TpmCommandBuilder session(int handle, byte[] nonce, int attributes, byte[] hmac) {
    TpmWriter w = new TpmWriter();
    w.writeU32(handle).write2B(nonce).writeU8(attributes).write2B(hmac);
    sessions.add(w.toByteArray());
    return this;
  }

  /** Uses {@code TPM_ST_SESSIONS} even without sessions (to test the area's checks). */
  public TpmCommandBuilder sessionsTag() {
    forceSessionsTag = true;
    return this;
  }

  /** Appends parameters. */
  public TpmCommandBuilder params(Consumer<TpmWriter> writer) {
    writer.accept(parameters);
    return this;
  }

  /** The parameter bytes so far (for cpHash computations). */
  public byte[] parameterBytes() {
    return parameters.toByteArray();
  }

  public List<Integer> handles() {
    return handles;
  }

  public int commandCode() {
    return commandCode;
  }

  public byte[] build() {
    boolean withSessions = forceSessionsTag || !sessions.isEmpty();
    TpmWriter w = new TpmWriter();
    w.writeU16(withSessions ? TpmSt.SESSIONS : TpmSt.NO_SESSIONS).writeU32(0).writeU32(commandCode);
    handles.forEach(w::writeU32);
    if (withSessions) {
      int size = sessions.stream().mapToInt(s -> s.length).sum();
      w.writeU32(size);
      sessions.forEach(w::writeBytes);
    }
    w.writeBytes(parameters.toByteArray());
    w.patchU32(2, w.size());
    return w.toByteArray();
  }
}
