package io.parasol.tpm.command;

import io.parasol.tpm.Entity;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.session.SessionUse;
import java.util.List;
import java.util.OptionalInt;

/**
 * What a running command sees besides its parameters: the TPM state, the locality, its resolved
 * handles and the sessions that authorised it, and where it puts its response handle. The
 * dispatcher creates one per command.
 */
public final class CommandContext {
  private final TpmState state;
  private final CommandTable commands;
  private final Locality locality;
  private final int commandCode;
  private final int[] handles;
  private final List<Entity> entities;
  private final List<SessionUse> sessions;
  private OptionalInt responseHandle = OptionalInt.empty();
  private boolean persistentStateChanged;

  /** Used by the dispatcher ({@code io.parasol.tpm.Tpm}) and by tests. */
  public CommandContext(
      TpmState state,
      CommandTable commands,
      Locality locality,
      int commandCode,
      int[] handles,
      List<Entity> entities,
      List<SessionUse> sessions) {
    this.state = state;
    this.commands = commands;
    this.locality = locality;
    this.commandCode = commandCode;
    this.handles = handles.clone();
    this.entities = List.copyOf(entities);
    this.sessions = List.copyOf(sessions);
  }

  public TpmState state() {
    return state;
  }

  /** The implemented commands (for TPM2_GetCapability). */
  public CommandTable commands() {
    return commands;
  }

  /** The locality the command arrived at. */
  public Locality locality() {
    return locality;
  }

  public int commandCode() {
    return commandCode;
  }

  /** Handle {@code i} (0-based) of the handle area. */
  public int handle(int i) {
    return handles[i];
  }

  /** The entity of handle {@code i}, resolved and (if its role asks) authorised. */
  public Entity entity(int i) {
    return entities.get(i);
  }

  /** The sessions of the authorisation area, in order (empty for {@code TPM_ST_NO_SESSIONS}). */
  public List<SessionUse> sessions() {
    return sessions;
  }

  /** Sets the handle the response carries (only for specs with {@code responseHandle}). */
  public void setResponseHandle(int handle) {
    responseHandle = OptionalInt.of(handle);
  }

  public OptionalInt responseHandle() {
    return responseHandle;
  }

  /**
   * Tells the dispatcher the command changed persistent state, so the state file should be written;
   * commands whose spec has {@code nv} set need not call this.
   */
  public void markPersistentStateChanged() {
    persistentStateChanged = true;
  }

  public boolean persistentStateChanged() {
    return persistentStateChanged;
  }
}
