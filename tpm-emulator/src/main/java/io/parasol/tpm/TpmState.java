package io.parasol.tpm;

import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.object.PrimaryObjectCache;
import io.parasol.tpm.pcr.PcrBanks;
import io.parasol.tpm.session.SessionTable;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Everything the commands operate on, grouped as TPM 2.0 Library Part 1 §37 groups TPM state:
 *
 * <ul>
 *   <li><b>persistent</b>: kept across power cycles and saved by {@link Tpm#saveState()}: seeds and
 *       proofs, owner/endorsement/lockout authorisation, dictionary-attack state, clock, counters,
 *       the pending PCR allocation, NV indices and persistent objects;
 *   <li><b>state-clear</b>: reset by Startup(CLEAR), kept by Shutdown(STATE)/Startup(STATE):
 *       hierarchy enables, platform authorisation;
 *   <li><b>volatile</b>: lost at power-off: PCR values, sessions, transient objects.
 * </ul>
 *
 * <p>Entities live in three maps by handle: {@link #transientObjects()} (objects and sequence
 * objects), {@link #persistentObjects()}, {@link #nvIndices()}. The object and NV chapters put
 * their own {@link Entity} types in them and find them back with pattern matching.
 *
 * <p>Not thread-safe: the {@link Tpm} lock serialises every use.
 */
public final class TpmState {

  /** How the TPM was last shut down ({@code orderlyState}, Part 1 §12.2.3). */
  public enum OrderlyState {
    NONE,
    CLEAR,
    STATE
  }

  private final SecureRandom random;
  private final TpmClock clock;

  // ---- persistent ----
  private final EnumMap<Hierarchy, byte[]> seeds = new EnumMap<>(Hierarchy.class);
  private final EnumMap<Hierarchy, byte[]> proofs = new EnumMap<>(Hierarchy.class);
  private final PrimaryObjectCache primaryObjects = new PrimaryObjectCache();
  private final Map<Integer, PermanentAuth> permanentAuths = new TreeMap<>();
  private boolean disableClear;
  private final DictionaryAttack dictionaryAttack = new DictionaryAttack();
  private int resetCount;
  private int restartCount;
  private OrderlyState orderlyState = OrderlyState.CLEAR;
  private SavedState savedState;
  private final Set<Integer> auditCommands = new HashSet<>();
  private int auditHashAlg = TpmAlgId.NULL;
  private long auditCounter;
  private long maxNvCounter;
  private final Map<Integer, Entity> nvIndices = new TreeMap<>(Integer::compareUnsigned);
  private final Map<Integer, Entity> persistentObjects = new TreeMap<>(Integer::compareUnsigned);

  // ---- state-clear ----
  private boolean shEnable = true;
  private boolean ehEnable = true;
  private boolean phEnableNV = true;

  // ---- volatile ----
  private boolean phEnable = true;
  private boolean started;
  private volatile int bufferSize = TpmLimits.MAX_COMMAND_SIZE;
  private final PcrBanks pcrs;
  private final SessionTable sessions = new SessionTable();
  private final Map<Integer, Entity> transientObjects = new TreeMap<>(Integer::compareUnsigned);
  private byte[] commandAuditDigest = new byte[0];
  private boolean hcrtmMeasured;
  private boolean startedOrderly;

  /** What Shutdown(STATE) keeps for Startup(STATE). */
  public record SavedState(
      Map<HashAlgorithm, byte[][]> pcrs,
      boolean shEnable,
      boolean ehEnable,
      boolean phEnableNV,
      byte[] platformAuth,
      int platformPolicyAlg,
      byte[] platformPolicy,
      byte[] commandAuditDigest) {}

  /**
   * A freshly manufactured TPM: new seeds and proofs, empty authorisations, all PCR banks.
   *
   * @param random the random source for seeds, nonces and TPM2_GetRandom
   * @param hostMillis a monotonic millisecond counter driving {@code time} and {@code clock}
   */
  public TpmState(SecureRandom random, LongSupplier hostMillis) {
    this.random = random;
    this.clock = new TpmClock(hostMillis);
    for (Hierarchy h : Hierarchy.values()) {
      regenerateSeed(h);
      regenerateProof(h);
    }
    for (int h :
        new int[] {
          TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT, TpmHandle.RH_PLATFORM, TpmHandle.RH_LOCKOUT
        }) {
      permanentAuths.put(h, new PermanentAuth());
    }
    this.pcrs = new PcrBanks(PcrBanks.defaultAllocation());
    auditCommands.add(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS);
  }

  // ---------------------------------------------------------------- services

  /** The random source (the TPM's DRBG). */
  public SecureRandom random() {
    return random;
  }

  /** {@code n} random octets. */
  public byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** Clock and time. */
  public TpmClock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- hierarchies

  /** The primary seed of {@code h}. */
  public byte[] seed(Hierarchy h) {
    return seeds.get(h).clone();
  }

  /** The proof value of {@code h} (the key of its tickets and of object integrity). */
  public byte[] proof(Hierarchy h) {
    return proofs.get(h).clone();
  }

  /** Replaces the primary seed of {@code h} with a fresh random one. */
  public void regenerateSeed(Hierarchy h) {
    seeds.put(h, randomBytes(TpmLimits.PRIMARY_SEED_SIZE));
    primaryObjects.forget(h);
  }

  /**
   * Primary objects derived recently from the current seeds (volatile; emptied for a hierarchy
   * whenever its seed changes).
   */
  public PrimaryObjectCache primaryObjectCache() {
    return primaryObjects;
  }

  /** Replaces the proof of {@code h} with a fresh random one. */
  public void regenerateProof(Hierarchy h) {
    proofs.put(h, randomBytes(TpmLimits.PROOF_SIZE));
  }

  /**
   * The authValue/authPolicy of {@code TPM_RH_OWNER}, {@code _ENDORSEMENT}, {@code _PLATFORM} or
   * {@code _LOCKOUT}.
   */
  public PermanentAuth permanentAuth(int handle) {
    PermanentAuth a = permanentAuths.get(handle);
    if (a == null) {
      throw new IllegalArgumentException("no authorisation for " + TpmHandle.toString(handle));
    }
    return a;
  }

  /** True if the hierarchy is enabled (phEnable, shEnable, ehEnable; NULL always). */
  public boolean isEnabled(Hierarchy h) {
    return switch (h) {
      case PLATFORM -> phEnable;
      case OWNER -> shEnable;
      case ENDORSEMENT -> ehEnable;
      case NULL -> true;
    };
  }

  /** Sets phEnable, shEnable or ehEnable. */
  public void setEnabled(Hierarchy h, boolean enabled) {
    switch (h) {
      case PLATFORM -> phEnable = enabled;
      case OWNER -> shEnable = enabled;
      case ENDORSEMENT -> ehEnable = enabled;
      case NULL -> throw new IllegalArgumentException("the null hierarchy is always enabled");
    }
  }

  /** phEnableNV: platform-created NV indices are usable. */
  public boolean isPlatformNvEnabled() {
    return phEnableNV;
  }

  public void setPlatformNvEnabled(boolean enabled) {
    phEnableNV = enabled;
  }

  /** TPM2_ClearControl's {@code disableClear}. */
  public boolean isClearDisabled() {
    return disableClear;
  }

  public void setClearDisabled(boolean disabled) {
    disableClear = disabled;
  }

  /** Dictionary-attack protection, with healing applied up to now. */
  public DictionaryAttack dictionaryAttack() {
    dictionaryAttack.advance(clock.time());
    return dictionaryAttack;
  }

  // ---------------------------------------------------------------- counters

  public int resetCount() {
    return resetCount;
  }

  public int restartCount() {
    return restartCount;
  }

  /** TPM2_Clear: resetCount, restartCount and the audit counter back to zero. */
  public void resetCountersOnClear() {
    resetCount = 0;
    restartCount = 0;
    auditCounter = 0;
  }

  /** Commands whose audit is set (TPM2_SetCommandCodeAuditStatus). */
  public Set<Integer> auditCommands() {
    return auditCommands;
  }

  public int auditHashAlg() {
    return auditHashAlg;
  }

  public void setAuditHashAlg(int alg) {
    auditHashAlg = alg;
  }

  public long auditCounter() {
    return auditCounter;
  }

  public void setAuditCounter(long counter) {
    auditCounter = counter;
  }

  /**
   * {@code maxCounter}: the largest value an NV counter index had when it was deleted; a new
   * counter starts from it (Part 3 §31.8), so no counter value is ever seen twice.
   */
  public long maxNvCounter() {
    return maxNvCounter;
  }

  /** Raises {@link #maxNvCounter()} to {@code value} if that is larger (unsigned). */
  public void noteNvCounter(long value) {
    if (Long.compareUnsigned(value, maxNvCounter) > 0) {
      maxNvCounter = value;
    }
  }

  /** The command audit digest (volatile, saved by Shutdown(STATE)). */
  public byte[] commandAuditDigest() {
    return commandAuditDigest.clone();
  }

  public void setCommandAuditDigest(byte[] digest) {
    commandAuditDigest = digest.clone();
  }

  // ---------------------------------------------------------------- volatile parts

  /** The PCR banks. */
  public PcrBanks pcrs() {
    return pcrs;
  }

  /** The sessions. */
  public SessionTable sessions() {
    return sessions;
  }

  /**
   * Loaded transient objects and sequence objects, by handle ({@code 0x80xxxxxx}). At most {@link
   * TpmLimits#MAX_LOADED_OBJECTS}; see {@link #allocateTransientHandle()}.
   */
  public Map<Integer, Entity> transientObjects() {
    return transientObjects;
  }

  /** Persistent objects by handle ({@code 0x81xxxxxx}), filled by TPM2_EvictControl. */
  public Map<Integer, Entity> persistentObjects() {
    return persistentObjects;
  }

  /** NV indices by handle ({@code 0x01xxxxxx}), filled by TPM2_NV_DefineSpace. */
  public Map<Integer, Entity> nvIndices() {
    return nvIndices;
  }

  /**
   * The handle for a new transient object.
   *
   * @throws TpmException {@code TPM_RC_OBJECT_MEMORY} if {@link TpmLimits#MAX_LOADED_OBJECTS} are
   *     loaded
   */
  public int allocateTransientHandle() throws TpmException {
    if (transientObjects.size() >= TpmLimits.MAX_LOADED_OBJECTS) {
      throw new TpmException(TpmRc.OBJECT_MEMORY);
    }
    for (int i = 0; ; i++) {
      int handle = TpmHandle.TRANSIENT_FIRST + i;
      if (!transientObjects.containsKey(handle)) {
        return handle;
      }
    }
  }

  /** Removes the transient objects of hierarchy {@code hierarchyHandle} ({@code TPM_RH_*}). */
  public void flushHierarchy(int hierarchyHandle) {
    transientObjects.values().removeIf(e -> e.hierarchy() == hierarchyHandle);
  }

  /**
   * Removes the persistent objects and NV indices of hierarchy {@code hierarchyHandle} (NV indices
   * belong to {@code TPM_RH_OWNER} unless platform-created).
   */
  public void evictHierarchy(int hierarchyHandle) {
    persistentObjects.values().removeIf(e -> e.hierarchy() == hierarchyHandle);
    nvIndices.values().removeIf(e -> e.hierarchy() == hierarchyHandle);
  }

  // ---------------------------------------------------------------- entity resolution

  /**
   * The entity a handle names, as the handle area needs it (Part 1 §15: a handle must refer to a
   * loaded entity of an enabled hierarchy).
   *
   * @throws TpmException {@code TPM_RC_HIERARCHY} for a permanent handle of a disabled hierarchy,
   *     {@code TPM_RC_HANDLE} for anything absent, or unusable because its hierarchy is disabled,
   *     {@code TPM_RC_REFERENCE_H0} for a session that is not loaded
   */
  public Entity entity(int handle) throws TpmException {
    switch (TpmHandle.type(handle)) {
      case TpmHandle.HT_PCR -> {
        if (handle >= TpmLimits.IMPLEMENTATION_PCR) {
          throw new TpmException(TpmRc.VALUE);
        }
        return new HandleEntity(handle, new byte[0], false, TpmHandle.RH_NULL);
      }
      case TpmHandle.HT_HMAC_SESSION, TpmHandle.HT_POLICY_SESSION -> {
        if (sessions.loaded(handle).isEmpty()) {
          throw new TpmException(TpmRc.REFERENCE_H0);
        }
        return new HandleEntity(handle, new byte[0], false, TpmHandle.RH_NULL);
      }
      case TpmHandle.HT_PERMANENT -> {
        return permanentEntity(handle);
      }
      case TpmHandle.HT_TRANSIENT -> {
        return usable(transientObjects.get(handle), false);
      }
      case TpmHandle.HT_PERSISTENT -> {
        return usable(persistentObjects.get(handle), false);
      }
      case TpmHandle.HT_NV_INDEX -> {
        return usable(nvIndices.get(handle), true);
      }
      default -> throw new TpmException(TpmRc.HANDLE);
    }
  }

  /** The entity a handle names, or empty if {@link #entity} would fail. */
  public Optional<Entity> findEntity(int handle) {
    try {
      return Optional.of(entity(handle));
    } catch (TpmException e) {
      return Optional.empty();
    }
  }

  private Entity usable(Entity e, boolean nv) throws TpmException {
    if (e == null) {
      throw new TpmException(TpmRc.HANDLE);
    }
    boolean enabled =
        nv && e.hierarchy() == TpmHandle.RH_PLATFORM
            ? phEnableNV
            : Hierarchy.of(e.hierarchy()).map(this::isEnabled).orElse(true);
    if (!enabled) {
      throw new TpmException(TpmRc.HANDLE);
    }
    return e;
  }

  private Entity permanentEntity(int handle) throws TpmException {
    switch (handle) {
      case TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT, TpmHandle.RH_PLATFORM -> {
        Hierarchy h = Hierarchy.of(handle).orElseThrow();
        if (!isEnabled(h)) {
          throw new TpmException(TpmRc.HIERARCHY);
        }
        return new PermanentEntity(handle, permanentAuth(handle), false, handle);
      }
      case TpmHandle.RH_LOCKOUT -> {
        return new PermanentEntity(handle, permanentAuth(handle), true, TpmHandle.RH_NULL);
      }
      case TpmHandle.RH_NULL -> {
        return new HandleEntity(handle, new byte[0], false, TpmHandle.RH_NULL);
      }
      default -> throw new TpmException(TpmRc.HANDLE);
    }
  }

  /** A hierarchy or lockout: Name = handle, authorisation from its {@link PermanentAuth}. */
  private record PermanentEntity(
      int handle, PermanentAuth auth, boolean isDaProtected, int hierarchy) implements Entity {
    @Override
    public byte[] name() {
      return Entity.handleName(handle);
    }

    @Override
    public byte[] authValue() {
      return auth.authValue();
    }

    @Override
    public byte[] authPolicy() {
      return auth.policy();
    }

    @Override
    public int authPolicyAlg() {
      return auth.policyAlg();
    }
  }

  /** A PCR, session or {@code TPM_RH_NULL}: Name = handle, no policy. */
  private record HandleEntity(int handle, byte[] authValue, boolean isDaProtected, int hierarchy)
      implements Entity.HandleNamed {
    @Override
    public byte[] authValue() {
      return authValue.clone();
    }
  }

  // ---------------------------------------------------------------- life cycle

  /** True if an H-CRTM sequence before TPM2_Startup measured into PCR 0 (PC Client PTP §4.6.3). */
  public boolean hcrtmMeasured() {
    return hcrtmMeasured;
  }

  public void setHcrtmMeasured(boolean measured) {
    hcrtmMeasured = measured;
  }

  /** {@code TPMA_STARTUP_CLEAR.orderly}: the last Startup followed an orderly Shutdown. */
  public boolean startedOrderly() {
    return startedOrderly;
  }

  /** True between a successful TPM2_Startup and the next power loss. */
  /** The interface's I/O buffer size in force: the largest command and response. */
  public int bufferSize() {
    return bufferSize;
  }

  /** Sets the I/O buffer size, clamped as {@link TpmPlatform#setBufferSize} says; returns it. */
  public int setBufferSize(int bytes) {
    bufferSize = Math.clamp(bytes, TpmLimits.MIN_BUFFER_SIZE, TpmLimits.MAX_COMMAND_SIZE);
    return bufferSize;
  }

  public boolean isStarted() {
    return started;
  }

  public OrderlyState orderlyState() {
    return orderlyState;
  }

  /**
   * Marks the state not orderly: a change of saved state after Shutdown makes the saved state stale
   * (Part 1 §12.2.3), so the next Startup(STATE) is refused.
   */
  public void clearOrderly() {
    if (orderlyState != OrderlyState.NONE) {
      orderlyState = OrderlyState.NONE;
      savedState = null;
    }
  }

  /** The state Shutdown(STATE) saved, if any. */
  public Optional<SavedState> savedState() {
    return Optional.ofNullable(savedState);
  }

  /**
   * _TPM_Init (power on): volatile state is gone; the TPM waits for TPM2_Startup. {@code time}
   * starts from zero.
   */
  public void powerOn() {
    started = false;
    sessions.clear();
    transientObjects.clear();
    phEnable = true;
    hcrtmMeasured = false;
    clock.onInit();
  }

  /** Power loss: nothing volatile survives. */
  public void powerOff() {
    started = false;
    sessions.clear();
    transientObjects.clear();
  }

  /** The kinds of start-up (Part 1 §12.2.3). */
  public enum StartupKind {
    /** Startup(CLEAR) after Shutdown(CLEAR) or none. */
    RESET,
    /** Startup(CLEAR) after Shutdown(STATE). */
    RESTART,
    /** Startup(STATE) after Shutdown(STATE). */
    RESUME
  }

  /**
   * TPM2_Startup after the command checked its parameter (Part 3 §9.3). Applies the kind of
   * start-up: counters, null seed, state-clear data, PCRs.
   *
   * @param hcrtm true if an H-CRTM sequence before Startup measured into PCR 0
   */
  public void startup(StartupKind kind, Locality locality, boolean hcrtm) {
    long now = clock.time();
    startedOrderly = orderlyState != OrderlyState.NONE;
    if (orderlyState == OrderlyState.NONE) {
      // A non-orderly shutdown may have lost clock updates (Part 1 §36.5).
      clock.setSafe(false);
    }
    switch (kind) {
      case RESET -> {
        resetCount++;
        restartCount = 0;
        regenerateSeed(Hierarchy.NULL);
        regenerateProof(Hierarchy.NULL);
        dictionaryAttack.onTpmReset(now);
        commandAuditDigest = new byte[0];
      }
      case RESTART, RESUME -> restartCount++;
    }
    sessions.clear();
    transientObjects.clear();
    phEnable = true;
    if (kind != StartupKind.RESUME) {
      // Part 2 §13.4: NV state-clear attributes (read/write locks, CLEAR_STCLEAR) reset.
      nvIndices.values().forEach(Entity::onStartupClear);
      persistentObjects.values().forEach(Entity::onStartupClear);
    }
    if (kind == StartupKind.RESUME) {
      SavedState s = savedState;
      shEnable = s.shEnable();
      ehEnable = s.ehEnable();
      phEnableNV = s.phEnableNV();
      PermanentAuth platform = permanentAuth(TpmHandle.RH_PLATFORM);
      platform.setAuthValue(s.platformAuth());
      platform.setPolicy(s.platformPolicyAlg(), s.platformPolicy());
      commandAuditDigest = s.commandAuditDigest().clone();
      pcrs.startup(s.pcrs(), locality.number(), hcrtm);
    } else {
      shEnable = true;
      ehEnable = true;
      phEnableNV = true;
      permanentAuth(TpmHandle.RH_PLATFORM).clear();
      pcrs.startup(null, locality.number(), hcrtm);
    }
    savedState = null;
    orderlyState = OrderlyState.NONE;
    started = true;
  }

  /** TPM2_Shutdown (Part 3 §9.4): records the orderly state and, for STATE, what to keep. */
  public void shutdown(boolean saveState) {
    if (saveState) {
      PermanentAuth platform = permanentAuth(TpmHandle.RH_PLATFORM);
      savedState =
          new SavedState(
              pcrs.saveState(),
              shEnable,
              ehEnable,
              phEnableNV,
              platform.authValue(),
              platform.policyAlg(),
              platform.policy(),
              commandAuditDigest);
      orderlyState = OrderlyState.STATE;
    } else {
      savedState = null;
      orderlyState = OrderlyState.CLEAR;
    }
  }

  // ---------------------------------------------------------------- persistence support

  /** Restores the persistent scalars (see {@link TpmStateCodec}). */
  void restorePersistent(
      boolean disableClear,
      int resetCount,
      int restartCount,
      OrderlyState orderly,
      SavedState saved) {
    this.disableClear = disableClear;
    this.resetCount = resetCount;
    this.restartCount = restartCount;
    this.orderlyState = orderly;
    this.savedState = saved;
  }

  void restoreSecrets(Hierarchy h, byte[] seed, byte[] proof) {
    seeds.put(h, seed.clone());
    primaryObjects.forget(h);
    proofs.put(h, proof.clone());
  }

  DictionaryAttack dictionaryAttackRaw() {
    return dictionaryAttack;
  }
}
