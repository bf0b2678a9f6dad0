package io.parasol.tpm;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.CommandTable;
import io.parasol.tpm.command.audit.CommandAudit;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.pcr.PcrBanks;
import io.parasol.tpm.session.CommandAuthorization;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TPM 2.0 engine: the command dispatcher ({@code ExecuteCommand} of TPM 2.0 Library Part 3 §5
 * and Part 1 §18) over a {@link TpmState}, and the platform signals of {@link TpmPlatform}.
 *
 * <p>{@link #execute} turns any byte input into a well-formed response. In order, it checks the
 * header (tag, size against the bytes received, command code), that the TPM is started, the handle
 * area (each handle's type, then that its entity exists in an enabled hierarchy), the authorisation
 * area (for {@code TPM_ST_SESSIONS}: its size, at most three sessions, every authorisation),
 * decrypts the first parameter if asked, unmarshals the parameters (all bytes must be used), runs
 * the command, and builds the response with its parameter size and authorisation area. Every
 * failure is a response code; a bug inside a command is logged and answered with {@code
 * TPM_RC_FAILURE}.
 *
 * <p>Commands are serialised by one lock; every public method may be called from any thread. A new
 * {@code Tpm} is powered on and waits for TPM2_Startup, like a chip after _TPM_Init.
 */
public final class Tpm implements TpmEngine, TpmPlatform {
  private static final Logger LOG = LoggerFactory.getLogger(Tpm.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final TpmState state;
  private final CommandTable commands;
  private boolean poweredOn = true;
  private volatile boolean cancelRequested;
  private boolean tpmEstablished;
  private Map<HashAlgorithm, MessageDigest> hashSequence;
  private Runnable persistenceListener = () -> {};
  // Reused under the lock by every command: the response parameters and authorisation area.
  private final TpmWriter responseParameters = new TpmWriter(1024);
  private final TpmWriter responseAuthorizations = new TpmWriter(256);

  private Tpm(TpmState state, CommandTable commands) {
    this.state = state;
    this.commands = commands;
    state.powerOn();
  }

  /**
   * A freshly manufactured TPM with the standard commands, the JDK's strong random source and the
   * JVM's monotonic clock.
   */
  public static Tpm create() {
    return builder().build();
  }

  /**
   * A TPM whose persistent state is {@code saved} (from {@link #saveState()}), just powered on.
   *
   * @throws IllegalArgumentException if {@code saved} is not a valid state
   */
  public static Tpm restore(byte[] saved) {
    return builder().restore(saved);
  }

  /** Configures a TPM: random source, clock, command table. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Tpm}. */
  public static final class Builder {
    private SecureRandom random;
    private LongSupplier hostMillis = () -> System.nanoTime() / 1_000_000;
    private CommandTable commands;
    private List<HashAlgorithm> pcrBanks;

    private Builder() {}

    /**
     * The PCR banks a freshly manufactured TPM allocates (default: SHA-1, SHA-256 and SHA-384); a
     * restored TPM keeps its own allocation.
     */
    public Builder pcrBanks(List<HashAlgorithm> banks) {
      this.pcrBanks = List.copyOf(banks);
      PcrBanks.allocationOf(this.pcrBanks);
      return this;
    }

    /** The random source (default: {@code new SecureRandom()}). */
    public Builder random(SecureRandom random) {
      this.random = random;
      return this;
    }

    /** A monotonic millisecond counter for {@code time} and {@code clock} (default: the JVM's). */
    public Builder hostMillis(LongSupplier hostMillis) {
      this.hostMillis = hostMillis;
      return this;
    }

    /** The implemented commands (default: {@link CommandTable#standard()}). */
    public Builder commands(CommandTable commands) {
      this.commands = commands;
      return this;
    }

    /** A freshly manufactured TPM. */
    public Tpm build() {
      TpmState state = new TpmState(randomSource(), hostMillis);
      if (pcrBanks != null) {
        state.pcrs().restoreAllocation(PcrBanks.allocationOf(pcrBanks));
      }
      return new Tpm(state, table());
    }

    /** A TPM restored from {@link Tpm#saveState()} bytes. */
    public Tpm restore(byte[] saved) {
      CommandTable table = table();
      TpmState state = new TpmState(randomSource(), hostMillis);
      TpmStateCodec.restore(state, saved, table);
      return new Tpm(state, table);
    }

    private SecureRandom randomSource() {
      return random != null ? random : new SecureRandom();
    }

    private CommandTable table() {
      return commands != null ? commands : CommandTable.standard();
    }
  }

  /**
   * Serialises the persistent state (Part 1 §37): seeds, proofs, authorisations, dictionary-attack
   * state, clock, counters, the saved state of Shutdown(STATE), NV indices and persistent objects.
   * The bytes are a {@code parasol.tpm.engine.EngineState} Protobuf message.
   */
  public byte[] saveState() {
    lock.lock();
    try {
      return TpmStateCodec.save(state, commands);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets what runs (under the TPM lock) after each command that changed persistent state: the
   * state-file owner calls {@link #saveState()} there.
   */
  public void setPersistenceListener(Runnable listener) {
    this.persistenceListener = listener == null ? () -> {} : listener;
  }

  /** The state, for tests and for code that runs under {@link #withLock}. */
  public TpmState state() {
    return state;
  }

  /** Runs {@code action} under the command lock. */
  public <T> T withLock(java.util.function.Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------- commands

  @Override
  public byte[] execute(Locality locality, byte[] command) {
    lock.lock();
    try {
      return dispatch(locality, command);
    } catch (RuntimeException | Error e) {
      LOG.error("TPM command failed inside the engine", e);
      return errorResponse(TpmSt.NO_SESSIONS, TpmRc.FAILURE);
    } finally {
      lock.unlock();
    }
  }

  private static byte[] errorResponse(int tag, int rc) {
    return new TpmWriter(TpmLimits.HEADER_SIZE)
        .writeU16(tag)
        .writeU32(TpmLimits.HEADER_SIZE)
        .writeU32(rc)
        .toByteArray();
  }

  private byte[] dispatch(Locality locality, byte[] command) {
    if (command == null) {
      command = new byte[0];
    }
    // Part 3 §5.2 (header validation); an unknown tag is answered the way a TPM 1.2 would.
    int tag = command.length >= 2 ? ((command[0] & 0xFF) << 8) | (command[1] & 0xFF) : -1;
    if (tag != TpmSt.NO_SESSIONS && tag != TpmSt.SESSIONS) {
      return errorResponse(TpmSt.RSP_COMMAND, TpmRc.BAD_TAG);
    }
    if (!poweredOn) {
      return errorResponse(TpmSt.NO_SESSIONS, TpmRc.FAILURE);
    }
    TpmReader in = new TpmReader(command);
    try {
      in.readU16();
      if (command.length < TpmLimits.HEADER_SIZE) {
        throw new TpmException(TpmRc.COMMAND_SIZE);
      }
      int size = in.readU32();
      if (size != command.length || size > state.bufferSize()) {
        throw new TpmException(TpmRc.COMMAND_SIZE);
      }
      int code = in.readU32();
      Command<?> cmd = commands.find(code).orElseThrow(() -> new TpmException(TpmRc.COMMAND_CODE));
      if (!state.isStarted() && code != TpmCc.STARTUP) {
        throw new TpmException(TpmRc.INITIALIZE);
      }
      return run(cmd, tag, locality, in);
    } catch (TpmException e) {
      return errorResponse(TpmSt.NO_SESSIONS, e.rc());
    }
  }

  private <P> byte[] run(Command<P> cmd, int tag, Locality locality, TpmReader in)
      throws TpmException {
    CommandSpec spec = cmd.spec();
    int code = spec.commandCode();

    // The handle area: each handle's type, then its entity (Part 1 §18.6).
    int[] handles = new int[spec.handleCount()];
    List<Entity> entities = new ArrayList<>();
    for (int i = 0; i < handles.length; i++) {
      int n = i + 1;
      int handle;
      try {
        handle = in.readU32();
      } catch (TpmException e) {
        throw e.atHandle(n);
      }
      if (!spec.handles().get(i).type().accepts(handle)) {
        throw new TpmException(TpmRc.handle(TpmRc.VALUE, n));
      }
      handles[i] = handle;
      try {
        entities.add(state.entity(handle));
      } catch (TpmException e) {
        if (e.rc() == TpmRc.REFERENCE_H0) {
          throw new TpmException(TpmRc.REFERENCE_H0 + i);
        }
        throw e.atHandle(n);
      }
    }

    // The authorisation area (Part 1 §18.7).
    CommandAuthorization auth;
    if (tag == TpmSt.SESSIONS) {
      if (!spec.sessionsAllowed()) {
        throw new TpmException(TpmRc.AUTH_CONTEXT);
      }
      int authSize;
      try {
        authSize = in.readU32();
      } catch (TpmException e) {
        throw new TpmException(TpmRc.AUTHSIZE);
      }
      if (authSize < 9 || Integer.compareUnsigned(authSize, in.remaining()) > 0) {
        throw new TpmException(TpmRc.AUTHSIZE);
      }
      auth =
          CommandAuthorization.parse(
              in.slice(authSize),
              state,
              spec.decryptFirstParameter(),
              spec.encryptFirstParameter());
    } else {
      if (spec.authHandleCount() > 0) {
        throw new TpmException(TpmRc.AUTH_MISSING);
      }
      auth = CommandAuthorization.none(state);
    }
    // Command audit (Part 1 §33): the cpHash over the parameters as received, Names as they are;
    // looked at without consuming them, and only for an audited command.
    byte[] auditCpHash =
        CommandAudit.isAudited(state, code)
            ? CommandAudit.cpHash(state, code, entities, in.peekRemaining())
            : null;
    // Without sessions the parameters are read in place; with sessions they are copied, for the
    // cpHash and the decryption of the first parameter.
    TpmReader paramReader = in;
    if (tag == TpmSt.SESSIONS) {
      byte[] parameters = in.readBytes(in.remaining());
      List<AuthRole> roles = new ArrayList<>(handles.length);
      for (CommandSpec.HandleSlot slot : spec.handles()) {
        roles.add(slot.role());
      }
      try {
        auth.authorize(
            new CommandAuthorization.CommandView(
                code, locality, handles, entities, roles, parameters));
      } catch (TpmException e) {
        if (auth.persistentStateChanged()) {
          persistenceListener.run(); // a PIN Fail index counted the failure
        }
        throw e;
      }
      paramReader = new TpmReader(auth.decryptParameter(parameters));
    }

    // Parameters, then the command itself (Part 3 §5.4: nothing changes unless all parsed).
    P parsed = cmd.parse(paramReader);
    if (!paramReader.atEnd()) {
      throw new TpmException(TpmRc.SIZE);
    }
    CommandContext ctx =
        new CommandContext(state, commands, locality, code, handles, entities, auth.uses());
    TpmWriter params = responseParameters.reset();
    cmd.execute(ctx, parsed, params);

    // The response (Part 1 §18.8–18.10), assembled once at its exact size.
    if (ctx.responseHandle().isPresent() != spec.responseHandle()) {
      throw new IllegalStateException(spec.name() + " response handle does not match its spec");
    }
    TpmWriter authArea = null;
    byte[] sessionParameters = null;
    if (tag == TpmSt.SESSIONS) {
      authArea = responseAuthorizations.reset();
      // respond() encrypts the first parameter in place if a session asks for it.
      sessionParameters = params.toByteArray();
      auth.respond(code, sessionParameters, authArea);
    }
    int size =
        TpmLimits.HEADER_SIZE
            + (spec.responseHandle() ? 4 : 0)
            + (authArea != null ? 4 + authArea.size() : 0)
            + params.size();
    byte[] response = new byte[size];
    int at = putU32(response, putU32(response, putU16(response, 0, tag), size), TpmRc.SUCCESS);
    if (spec.responseHandle()) {
      at = putU32(response, at, ctx.responseHandle().getAsInt());
    }
    if (sessionParameters != null) {
      at = putU32(response, at, sessionParameters.length);
      System.arraycopy(sessionParameters, 0, response, at, sessionParameters.length);
      authArea.copyTo(response, at + sessionParameters.length);
    } else {
      params.copyTo(response, at);
    }
    boolean auditCounted =
        auditCpHash != null
            && CommandAudit.record(
                state,
                code,
                auditCpHash,
                sessionParameters != null ? sessionParameters : params.toByteArray());
    if (spec.nv()
        || ctx.persistentStateChanged()
        || auth.persistentStateChanged()
        || auditCounted) {
      persistenceListener.run();
    }
    return response;
  }

  private static int putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
    return at + 2;
  }

  private static int putU32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
    return at + 4;
  }

  // ------------------------------------------------------------------------- platform

  @Override
  public void powerOn() {
    lock.lock();
    try {
      if (!poweredOn) {
        poweredOn = true;
        state.powerOn();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void powerOff() {
    lock.lock();
    try {
      poweredOn = false;
      hashSequence = null;
      state.powerOff();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isPoweredOn() {
    lock.lock();
    try {
      return poweredOn;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void cancel() {
    cancelRequested = true;
  }

  @Override
  public void clearCancel() {
    cancelRequested = false;
  }

  /** True while a cancel request is pending (long-running commands may poll it). */
  public boolean isCancelRequested() {
    return cancelRequested;
  }

  /**
   * {@code _TPM_Hash_Start} (Part 3 §6.1.1 and PC Client PTP §4.6): starts an H-CRTM (before
   * Startup) or D-RTM (after) measurement; a D-RTM resets PCRs 17–22 now.
   */
  @Override
  public void hashStart() {
    lock.lock();
    try {
      hashSequence = new EnumMap<>(HashAlgorithm.class);
      for (HashAlgorithm h : state.pcrs().allocatedBanks()) {
        hashSequence.put(h, h.newDigest());
      }
      if (state.isStarted()) {
        state.pcrs().resetDynamic();
      }
      tpmEstablished = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void hashData(byte[] data) {
    lock.lock();
    try {
      if (hashSequence != null) {
        hashSequence.values().forEach(md -> md.update(data));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code _TPM_Hash_End}: extends the measurement into PCR 17 after Startup, or into PCR 0 (from
   * its locality-4 starting value) before it.
   */
  @Override
  public void hashEnd() {
    lock.lock();
    try {
      if (hashSequence == null) {
        return;
      }
      boolean drtm = state.isStarted();
      if (!drtm) {
        state.pcrs().setHcrtmStart();
        state.setHcrtmMeasured(true);
      }
      int pcr = drtm ? 17 : 0;
      hashSequence.forEach((h, md) -> state.pcrs().extend(pcr, h, md.digest()));
      hashSequence = null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int setBufferSize(int bytes) {
    return state.setBufferSize(bytes);
  }

  @Override
  public boolean tpmEstablished() {
    lock.lock();
    try {
      return tpmEstablished;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resetTpmEstablished(Locality locality) {
    lock.lock();
    try {
      if (locality.number() >= 3) {
        tpmEstablished = false;
      }
    } finally {
      lock.unlock();
    }
  }
}
