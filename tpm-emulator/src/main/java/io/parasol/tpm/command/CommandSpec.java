package io.parasol.tpm.command;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dispatcher needs to know about a command before running it: the facts of the command's
 * tables in TPM 2.0 Library Part 3 (handles with their types and authorisation roles, whether a
 * handle is returned) and the command attributes {@code TPMA_CC} (Part 2 §8.9) reported by
 * TPM2_GetCapability.
 *
 * @param commandCode the {@code TPM_CC}
 * @param handles the handle area, in order; the handles needing authorisation come first
 * @param responseHandle true if the response carries one handle (Part 3 "rHandle")
 * @param sessionsAllowed false for the few commands that take no session at all (Startup,
 *     ContextSave, ContextLoad, FlushContext...): a session area is then {@code
 *     TPM_RC_AUTH_CONTEXT}
 * @param decryptFirstParameter true if the first command parameter is a {@code TPM2B} that a
 *     session may encrypt (Part 1 §21)
 * @param encryptFirstParameter true if the first response parameter is a {@code TPM2B} that a
 *     session may encrypt
 * @param nv {@code TPMA_CC.nv}: the command may write NV
 * @param extensive {@code TPMA_CC.extensive}: the command may flush many objects
 * @param flushed {@code TPMA_CC.flushed}: the command flushes the context of a transient handle
 */
public record CommandSpec(
    int commandCode,
    List<HandleSlot> handles,
    boolean responseHandle,
    boolean sessionsAllowed,
    boolean decryptFirstParameter,
    boolean encryptFirstParameter,
    boolean nv,
    boolean extensive,
    boolean flushed) {

  /** One handle of the handle area. */
  public record HandleSlot(HandleType type, AuthRole role) {}

  public CommandSpec {
    handles = List.copyOf(handles);
  }

  /** Number of handles in the command's handle area. */
  public int handleCount() {
    return handles.size();
  }

  /** Number of handles that need authorisation (the leading ones). */
  public int authHandleCount() {
    int n = 0;
    for (HandleSlot h : handles) {
      if (h.role() != AuthRole.NONE) {
        n++;
      }
    }
    return n;
  }

  /** The spec's name of the command. */
  public String name() {
    return TpmCc.name(commandCode);
  }

  /**
   * The command's {@code TPMA_CC} (Part 2 §8.9): commandIndex, nv, extensive, flushed, cHandles,
   * rHandle.
   */
  public int attributes() {
    return (commandCode & 0xFFFF)
        | (nv ? 1 << 22 : 0)
        | (extensive ? 1 << 23 : 0)
        | (flushed ? 1 << 24 : 0)
        | (handles.size() << 25)
        | (responseHandle ? 1 << 28 : 0);
  }

  /** Starts the spec of command {@code commandCode}. */
  public static Builder of(int commandCode) {
    return new Builder(commandCode);
  }

  /** Builds a {@link CommandSpec}, in the order of the Part 3 command table. */
  public static final class Builder {
    private final int commandCode;
    private final List<HandleSlot> handles = new ArrayList<>();
    private boolean responseHandle;
    private boolean sessionsAllowed = true;
    private boolean decrypt;
    private boolean encrypt;
    private boolean nv;
    private boolean extensive;
    private boolean flushed;

    private Builder(int commandCode) {
      this.commandCode = commandCode;
    }

    /** Adds the next handle of the handle area. */
    public Builder handle(HandleType type, AuthRole role) {
      if (role != AuthRole.NONE
          && !handles.isEmpty()
          && handles.getLast().role() == AuthRole.NONE) {
        throw new IllegalArgumentException("handles needing authorisation come first");
      }
      handles.add(new HandleSlot(type, role));
      return this;
    }

    /** The response carries a handle. */
    public Builder responseHandle() {
      responseHandle = true;
      return this;
    }

    /** The command takes no sessions (Part 3 says so by having no auth area). */
    public Builder noSessions() {
      sessionsAllowed = false;
      return this;
    }

    /** The first command parameter is a {@code TPM2B} a decrypt session may protect. */
    public Builder decrypt() {
      decrypt = true;
      return this;
    }

    /** The first response parameter is a {@code TPM2B} an encrypt session may protect. */
    public Builder encrypt() {
      encrypt = true;
      return this;
    }

    /** {@code TPMA_CC.nv}. */
    public Builder nv() {
      nv = true;
      return this;
    }

    /** {@code TPMA_CC.extensive}. */
    public Builder extensive() {
      extensive = true;
      return this;
    }

    /** {@code TPMA_CC.flushed}. */
    public Builder flushed() {
      flushed = true;
      return this;
    }

    public CommandSpec build() {
      if (handles.size() > 3) {
        throw new IllegalArgumentException("at most three handles");
      }
      return new CommandSpec(
          commandCode,
          handles,
          responseHandle,
          sessionsAllowed,
          decrypt,
          encrypt,
          nv,
          extensive,
          flushed);
    }
  }
}
