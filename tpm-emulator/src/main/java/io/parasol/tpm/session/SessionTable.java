package io.parasol.tpm.session;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sessions of the TPM (TPM 2.0 Library Part 1 §15.4): at most {@link
 * TpmLimits#MAX_ACTIVE_SESSIONS} active, of which at most {@link TpmLimits#MAX_LOADED_SESSIONS}
 * loaded. A session's handle is its slot number within the HMAC or policy session range, so handles
 * are unique across both ranges (Part 1 §15.4.2).
 *
 * <p>DEVNOTE: ContextSave/ContextLoad move sessions between loaded and saved with {@link
 * #markSaved} and {@link #markLoaded}; a saved session keeps its slot.
 */
public final class SessionTable {
  private final TreeMap<Integer, AuthSession> active = new TreeMap<>();
  private final TreeMap<Integer, Boolean> loaded = new TreeMap<>();

  /**
   * Creates a session in the lowest free slot.
   *
   * @throws TpmException {@code TPM_RC_SESSION_MEMORY} when three are loaded, {@code
   *     TPM_RC_SESSION_HANDLES} when all slots are in use
   */
  public AuthSession create(
      SessionType type,
      HashAlgorithm authHash,
      byte[] nonceTpm,
      byte[] sessionKey,
      SymmetricDefinition symmetric,
      Entity bind,
      boolean bindDaProtected,
      boolean lockoutBound,
      long startTime)
      throws TpmException {
    if (loadedCount() >= TpmLimits.MAX_LOADED_SESSIONS) {
      throw new TpmException(TpmRc.SESSION_MEMORY);
    }
    int slot = -1;
    for (int i = 0; i < TpmLimits.MAX_ACTIVE_SESSIONS; i++) {
      if (!active.containsKey(i)) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      throw new TpmException(TpmRc.SESSION_HANDLES);
    }
    int base =
        type == SessionType.HMAC ? TpmHandle.HMAC_SESSION_FIRST : TpmHandle.POLICY_SESSION_FIRST;
    AuthSession s =
        new AuthSession(
            base + slot,
            type,
            authHash,
            nonceTpm,
            sessionKey,
            symmetric,
            bind,
            bindDaProtected,
            lockoutBound,
            startTime);
    active.put(slot, s);
    loaded.put(slot, true);
    return s;
  }

  private static int slot(int handle) {
    return handle & 0x00FF_FFFF;
  }

  /** The loaded session with this handle. */
  public Optional<AuthSession> loaded(int handle) {
    AuthSession s = active.get(slot(handle));
    if (s == null || s.handle() != handle || !loaded.getOrDefault(slot(handle), false)) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** The active (loaded or saved) session with this handle. */
  public Optional<AuthSession> active(int handle) {
    AuthSession s = active.get(slot(handle));
    return s != null && s.handle() == handle ? Optional.of(s) : Optional.empty();
  }

  /** Removes a session; returns false if there was none with this handle. */
  public boolean flush(int handle) {
    AuthSession s = active.get(slot(handle));
    if (s == null || s.handle() != handle) {
      return false;
    }
    active.remove(slot(handle));
    loaded.remove(slot(handle));
    return true;
  }

  /** Removes every session (TPM Reset, Restart, power loss). */
  public void clear() {
    active.clear();
    loaded.clear();
  }

  /** Marks a session saved (ContextSave): it keeps its slot but is no longer loaded. */
  public void markSaved(int handle) {
    if (active(handle).isPresent()) {
      loaded.put(slot(handle), false);
    }
  }

  /** Marks a saved session loaded again (ContextLoad). */
  public void markLoaded(int handle) throws TpmException {
    if (active(handle).isPresent() && !loaded.get(slot(handle))) {
      if (loadedCount() >= TpmLimits.MAX_LOADED_SESSIONS) {
        throw new TpmException(TpmRc.SESSION_MEMORY);
      }
      loaded.put(slot(handle), true);
    }
  }

  /** Number of loaded sessions. */
  public int loadedCount() {
    int n = 0;
    for (boolean b : loaded.values()) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  /** Number of active sessions. */
  public int activeCount() {
    return active.size();
  }

  /** Handles of the loaded sessions, ascending. */
  public List<Integer> loadedHandles() {
    List<Integer> out = new ArrayList<>();
    active.forEach(
        (slot, s) -> {
          if (loaded.get(slot)) {
            out.add(s.handle());
          }
        });
    out.sort(Integer::compareUnsigned);
    return out;
  }

  /** Handles of the saved (active, not loaded) sessions, ascending. */
  public List<Integer> savedHandles() {
    List<Integer> out = new ArrayList<>();
    active.forEach(
        (slot, s) -> {
          if (!loaded.get(slot)) {
            out.add(s.handle());
          }
        });
    out.sort(Integer::compareUnsigned);
    return out;
  }
}
