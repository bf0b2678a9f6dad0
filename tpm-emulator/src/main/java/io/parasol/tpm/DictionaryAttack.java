package io.parasol.tpm;

/**
 * Dictionary-attack protection (TPM 2.0 Library Part 1 §19.8): the failure counter, the lockout
 * parameters TPM2_DictionaryAttackParameters sets, and the healing of both over time.
 *
 * <p>Time is the TPM's {@code time} in milliseconds (it advances only while powered, as the
 * specification requires), given by the caller.
 */
public final class DictionaryAttack {
  /** Default parameters of the reference implementation's {@code DAPreInstall_Init}. */
  public static final int DEFAULT_MAX_TRIES = 3;

  public static final int DEFAULT_RECOVERY_TIME_SECONDS = 1000;
  public static final int DEFAULT_LOCKOUT_RECOVERY_SECONDS = 1000;

  private int maxTries = DEFAULT_MAX_TRIES;
  private int recoveryTimeSeconds = DEFAULT_RECOVERY_TIME_SECONDS;
  private int lockoutRecoverySeconds = DEFAULT_LOCKOUT_RECOVERY_SECONDS;
  private int failedTries;
  private boolean lockoutAuthEnabled = true;

  // Healing timers: the time (ms, TPM time) when the current interval began. Volatile: a power
  // cycle restarts them, as on a TPM whose timer does not run while it is off.
  private long selfHealStartMillis;
  private long lockoutAuthDisabledAtMillis;

  /** Restores everything to the values after TPM2_Clear ({@code DAPreInstall_Init}). */
  public void reset() {
    maxTries = DEFAULT_MAX_TRIES;
    recoveryTimeSeconds = DEFAULT_RECOVERY_TIME_SECONDS;
    lockoutRecoverySeconds = DEFAULT_LOCKOUT_RECOVERY_SECONDS;
    failedTries = 0;
    lockoutAuthEnabled = true;
  }

  /** Applies the healing due at {@code nowMillis} (Part 1 §19.8.4 and §19.8.5). */
  public void advance(long nowMillis) {
    if (recoveryTimeSeconds != 0 && failedTries > 0) {
      long interval = Integer.toUnsignedLong(recoveryTimeSeconds) * 1000L;
      long healed = (nowMillis - selfHealStartMillis) / interval;
      if (healed > 0) {
        failedTries = (int) Math.max(0, failedTries - healed);
        selfHealStartMillis += healed * interval;
      }
    }
    if (!lockoutAuthEnabled
        && lockoutRecoverySeconds != 0
        && nowMillis - lockoutAuthDisabledAtMillis
            >= Integer.toUnsignedLong(lockoutRecoverySeconds) * 1000L) {
      lockoutAuthEnabled = true;
    }
  }

  /** Called at TPM Reset: lockoutAuth is usable again if lockoutRecovery is zero. */
  public void onTpmReset(long nowMillis) {
    selfHealStartMillis = nowMillis;
    if (lockoutRecoverySeconds == 0) {
      lockoutAuthEnabled = true;
    }
    lockoutAuthDisabledAtMillis = nowMillis;
  }

  /** True while DA-protected entities may not be authorised ({@code failedTries >= maxTries}). */
  public boolean isLockedOut() {
    return Integer.compareUnsigned(failedTries, maxTries) >= 0;
  }

  /** True while lockoutAuth may be used. */
  public boolean isLockoutAuthEnabled() {
    return lockoutAuthEnabled;
  }

  /** Counts a failed authorisation of a DA-protected entity. */
  public void recordFailure(long nowMillis) {
    // The self-healing interval restarts with every failure (reference DARegisterFailure).
    selfHealStartMillis = nowMillis;
    if (failedTries != -1) {
      failedTries++;
    }
  }

  /** A failed lockoutAuth: disables lockoutAuth for lockoutRecovery (Part 1 §19.8.5). */
  public void recordLockoutAuthFailure(long nowMillis) {
    lockoutAuthEnabled = false;
    lockoutAuthDisabledAtMillis = nowMillis;
  }

  /** TPM2_DictionaryAttackLockReset: {@code failedTries} back to zero. */
  public void lockReset(long nowMillis) {
    failedTries = 0;
    selfHealStartMillis = nowMillis;
  }

  /** TPM2_DictionaryAttackParameters. */
  public void setParameters(int maxTries, int recoveryTimeSeconds, int lockoutRecoverySeconds) {
    this.maxTries = maxTries;
    this.recoveryTimeSeconds = recoveryTimeSeconds;
    this.lockoutRecoverySeconds = lockoutRecoverySeconds;
    this.failedTries = 0;
  }

  /** {@code maxTries} (a UINT32 in an int). */
  public int maxTries() {
    return maxTries;
  }

  public int recoveryTimeSeconds() {
    return recoveryTimeSeconds;
  }

  public int lockoutRecoverySeconds() {
    return lockoutRecoverySeconds;
  }

  public int failedTries() {
    return failedTries;
  }

  /** Restores persisted values (see {@code TpmState} persistence). */
  void restore(
      int maxTries,
      int recoveryTimeSeconds,
      int lockoutRecoverySeconds,
      int failedTries,
      boolean lockoutAuthEnabled) {
    this.maxTries = maxTries;
    this.recoveryTimeSeconds = recoveryTimeSeconds;
    this.lockoutRecoverySeconds = lockoutRecoverySeconds;
    this.failedTries = failedTries;
    this.lockoutAuthEnabled = lockoutAuthEnabled;
  }
}
