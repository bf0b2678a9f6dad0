package io.parasol.tpm.session;

import io.parasol.tpm.Entity;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.Arrays;

/**
 * An HMAC, policy or trial session (TPM 2.0 Library Part 1 §19.6–19.7; the reference
 * implementation's {@code SESSION}): its keys and nonces, what it is bound to, and the policy state
 * the policy commands (Part 3 §23) build up and {@link CommandAuthorization} checks.
 *
 * <p>The policy fields are public state by design: each TPM2_Policy* command sets some of them, and
 * the authorisation check reads them all. {@link #resetPolicy()} restores them.
 */
public final class AuthSession {
  private final int handle;
  private final SessionType type;
  private final HashAlgorithm authHash;
  private final byte[] sessionKey;
  private final SymmetricDefinition symmetric;
  private byte[] nonceTpm;

  // Binding (Part 1 §19.6.11): the bind entity's Name and authValue when the session started.
  private final byte[] boundName;
  private final byte[] boundAuth;
  private final boolean daBound;
  private final boolean lockoutBound;

  /** The policy digest, all zeros after start and after each successful use. */
  public byte[] policyDigest;

  /** TPM2_PolicyAuthValue: the HMAC key includes the authValue. */
  public boolean isAuthValueNeeded;

  /** TPM2_PolicyPassword: the HMAC field carries the authValue in clear. */
  public boolean isPasswordNeeded;

  /** TPM2_PolicyCommandCode: the only command this session may authorise; 0 for any. */
  public int commandCode;

  /** TPM2_PolicyCpHash or TPM2_PolicyNameHash: the digest a use must match; empty if none. */
  public byte[] cpHash = new byte[0];

  /** True if {@link #cpHash} is a cpHash (PolicyCpHash), false if a nameHash (PolicyNameHash). */
  public boolean isCpHashDefined;

  /** TPM2_PolicyLocality: {@code TPMA_LOCALITY} of the allowed localities; 0 for any. */
  public int commandLocality;

  /** TPM2_PolicyPhysicalPresence. */
  public boolean isPpRequired;

  /** TPM2_PolicyPCR: the {@code pcrUpdateCounter} the policy saw; -1 if no PCR policy. */
  public long pcrCounter = -1;

  /**
   * TPM2_PolicySecret/Signed/Ticket with an expiration: the {@code time} (ms since _TPM_Init) at
   * which the policy expires; 0 for none.
   */
  public long timeoutClock;

  /** TPM2_PolicyNvWritten: check the written state of the authorised NV index. */
  public boolean checkNvWritten;

  /** TPM2_PolicyNvWritten: the written state required. */
  public boolean nvWrittenState;

  /** The {@code time} (ms) the policy interval started (start or last use). */
  public long startTime;

  /** Session audit (Part 1 §19.6.16): true once the session has been used for audit. */
  public boolean isAudit;

  /** The session's audit digest. */
  public byte[] auditDigest = new byte[0];

  AuthSession(
      int handle,
      SessionType type,
      HashAlgorithm authHash,
      byte[] nonceTpm,
      byte[] sessionKey,
      SymmetricDefinition symmetric,
      Entity bind,
      boolean bindDaProtected,
      boolean lockoutBound,
      long startTime) {
    this.handle = handle;
    this.type = type;
    this.authHash = authHash;
    this.nonceTpm = nonceTpm.clone();
    this.sessionKey = sessionKey.clone();
    this.symmetric = symmetric;
    // Only HMAC sessions are bound; for policy sessions the bind value only salts the key.
    boolean bound = bind != null && type == SessionType.HMAC;
    this.boundName = bound ? bind.name() : null;
    this.boundAuth = bound ? bind.authValue() : null;
    this.daBound = bound && bindDaProtected;
    this.lockoutBound = bound && lockoutBound;
    this.startTime = startTime;
    resetPolicy();
  }

  /** The session handle. */
  public int handle() {
    return handle;
  }

  public SessionType type() {
    return type;
  }

  /** True for policy and trial sessions. */
  public boolean isPolicy() {
    return type != SessionType.HMAC;
  }

  /** True for a trial policy session, which can compute a policy but authorise nothing. */
  public boolean isTrial() {
    return type == SessionType.TRIAL;
  }

  /** The session's hash algorithm ({@code authHash}). */
  public HashAlgorithm authHash() {
    return authHash;
  }

  /** The current {@code nonceTPM}. */
  public byte[] nonceTpm() {
    return nonceTpm.clone();
  }

  /** Replaces {@code nonceTPM} (after each command that used the session). */
  void setNonceTpm(byte[] nonce) {
    nonceTpm = nonce.clone();
  }

  /** The {@code sessionKey}; empty for an unbound, unsalted session. */
  public byte[] sessionKey() {
    return sessionKey.clone();
  }

  /** The parameter-encryption algorithm. */
  public SymmetricDefinition symmetric() {
    return symmetric;
  }

  /** True if the session is bound to {@code entity} (same Name and authValue as at binding). */
  public boolean isBoundTo(Entity entity) {
    return boundName != null
        && Arrays.equals(boundName, entity.name())
        && Arrays.equals(boundAuth, entity.authValue());
  }

  /** True if bound to a DA-protected entity: uses are refused while the TPM is in lockout. */
  public boolean isDaBound() {
    return daBound;
  }

  /** True if bound to {@code TPM_RH_LOCKOUT}. */
  public boolean isLockoutBound() {
    return lockoutBound;
  }

  /** Policy state back to its start values (Part 3 §23.12, TPM2_PolicyRestart). */
  public void resetPolicy() {
    policyDigest = new byte[authHash.digestSize()];
    isAuthValueNeeded = false;
    isPasswordNeeded = false;
    commandCode = 0;
    cpHash = new byte[0];
    isCpHashDefined = false;
    commandLocality = 0;
    isPpRequired = false;
    pcrCounter = -1;
    timeoutClock = 0;
    checkNvWritten = false;
    nvWrittenState = false;
  }

  /**
   * Extends the policy digest: {@code policyDigest := H(policyDigest || parts...)} (Part 1
   * §19.7.2).
   */
  public void extendPolicy(byte[]... parts) {
    var md = authHash.newDigest();
    md.update(policyDigest);
    for (byte[] part : parts) {
      md.update(part);
    }
    policyDigest = md.digest();
  }
}
