package io.parasol.tpm.session;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmHandle;

/**
 * One session of a command's authorisation area as this command uses it: what the caller sent, the
 * session (none for a password), and the entity it authorises (none for a session used only for
 * audit or parameter encryption).
 */
public final class SessionUse {
  private final int sessionHandle;
  private final byte[] nonceCaller;
  private int attributes;
  private final byte[] hmac;
  private final AuthSession session;
  Entity entity;
  int entityHandle = TpmHandle.RH_UNASSIGNED;
  boolean requestWasBound;
  io.parasol.tpm.AuthRole role = io.parasol.tpm.AuthRole.NONE;

  SessionUse(
      int sessionHandle, byte[] nonceCaller, int attributes, byte[] hmac, AuthSession session) {
    this.sessionHandle = sessionHandle;
    this.nonceCaller = nonceCaller;
    this.attributes = attributes;
    this.hmac = hmac;
    this.session = session;
  }

  /** {@code TPM_RS_PW} or the session's handle. */
  public int sessionHandle() {
    return sessionHandle;
  }

  /** True for a password authorisation ({@code TPM_RS_PW}). */
  public boolean isPassword() {
    return sessionHandle == TpmHandle.RS_PW;
  }

  /** The session; null for a password authorisation. */
  public AuthSession session() {
    return session;
  }

  /** The caller's nonce. */
  public byte[] nonceCaller() {
    return nonceCaller.clone();
  }

  /** The {@code TPMA_SESSION} the caller sent (the response echoes it). */
  public int attributes() {
    return attributes;
  }

  void setAttributes(int attributes) {
    this.attributes = attributes;
  }

  /** The HMAC (or password) the caller sent. */
  public byte[] hmac() {
    return hmac.clone();
  }

  /** The entity this session authorises, or null. */
  public Entity entity() {
    return entity;
  }

  /** The role in which {@link #entity()} is authorised ({@code NONE} if no entity). */
  public io.parasol.tpm.AuthRole role() {
    return role;
  }

  /** The handle of {@link #entity()}, or {@code TPM_RH_UNASSIGNED}. */
  public int entityHandle() {
    return entityHandle;
  }
}
