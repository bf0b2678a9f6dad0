package io.parasol.tpm.command.context;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.session.AuthSession;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TPM2_ContextSave (Part 3 §28.2): saves a transient object or a session as an encrypted,
 * integrity-protected {@code TPMS_CONTEXT} ({@link ContextProtection}). An object stays loaded; a
 * session becomes saved: it keeps its slot but can be used only after TPM2_ContextLoad.
 *
 * <p>A saved session context holds the session's handle and current {@code nonceTPM}, the session
 * itself stays inside the TPM; since the nonce changes with every use, only the latest saved
 * context of a session loads. An object context holds the whole object. Sequence objects cannot be
 * saved ({@code TPM_RC_TYPE}).
 */
public final class ContextSave implements Command<Void> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CONTEXT_SAVE)
          .handle(HandleType.DH_CONTEXT, AuthRole.NONE)
          .noSessions()
          .build();

  /** {@code savedHandle} of an ordinary object's context (Part 2 §14.6). */
  static final int SAVED_OBJECT = 0x8000_0000;

  /** {@code savedHandle} of an {@code stClear} object's context. */
  static final int SAVED_ST_CLEAR_OBJECT = 0x8000_0002;

  static final int KIND_OBJECT = 1;
  static final int KIND_SESSION = 2;
  static final int FLAG_EXTERNAL = 1;
  static final int FLAG_PUBLIC_ONLY = 2;

  private final AtomicLong sequence = new AtomicLong();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Void parse(TpmReader in) {
    return null;
  }

  @Override
  public void execute(CommandContext ctx, Void in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    int handle = ctx.handle(0);
    long seq = sequence.incrementAndGet();
    int savedHandle;
    int hierarchy;
    TpmWriter plain = new TpmWriter();
    if (TpmHandle.isSession(handle)) {
      AuthSession s = state.sessions().loaded(handle).orElseThrow();
      plain.writeU8(KIND_SESSION).writeU32(handle).write2B(s.nonceTpm());
      savedHandle = handle;
      hierarchy = TpmHandle.RH_NULL;
    } else {
      if (!(ctx.entity(0) instanceof TpmObject o)) {
        // DEVNOTE: hash/HMAC/event sequences hold JCA digest state and are not saved.
        throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
      }
      plain
          .writeU8(KIND_OBJECT)
          .writeU8((o.isExternal() ? FLAG_EXTERNAL : 0) | (o.isPublicOnly() ? FLAG_PUBLIC_ONLY : 0))
          .writeU32(o.hierarchy());
      o.publicArea().write2B(plain);
      if (!o.isPublicOnly()) {
        plain.writeBytes(o.sensitive().marshal2B());
      }
      plain.write2B(o.qualifiedName());
      savedHandle = o.publicArea().has(TpmaObject.ST_CLEAR) ? SAVED_ST_CLEAR_OBJECT : SAVED_OBJECT;
      hierarchy = o.hierarchy();
    }
    byte[] blob =
        ContextProtection.protect(
            state,
            resetValue(state, savedHandle),
            seq,
            savedHandle,
            hierarchy,
            plain.toByteArray());
    if (TpmHandle.isSession(handle)) {
      state.sessions().markSaved(handle);
    }
    out.writeU64(seq).writeU32(savedHandle).writeU32(hierarchy).write2B(blob);
  }

  /** The value that ends a context's validity (see {@link ContextProtection}). */
  static long resetValue(TpmState state, int savedHandle) {
    if (TpmHandle.isSession(savedHandle)) {
      return state.resetCount() & 0xFFFF_FFFFL;
    }
    if (savedHandle == SAVED_ST_CLEAR_OBJECT) {
      return ((long) state.resetCount() << 32) | (state.restartCount() & 0xFFFF_FFFFL);
    }
    return 0;
  }
}
