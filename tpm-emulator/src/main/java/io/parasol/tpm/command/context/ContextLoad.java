package io.parasol.tpm.command.context;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtSensitive;
import io.parasol.tpm.session.AuthSession;
import java.security.MessageDigest;

/**
 * TPM2_ContextLoad (Part 3 §28.3): reloads a context saved by {@link ContextSave}. A blob that this
 * TPM did not make for these header values, or that belongs to an earlier TPM Reset (sessions,
 * null-hierarchy objects) or Startup (stClear objects), is {@code TPM_RC_INTEGRITY}; a session
 * context that is not the latest of an active, saved session is {@code TPM_RC_HANDLE}.
 */
public final class ContextLoad implements Command<ContextLoad.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CONTEXT_LOAD).responseHandle().noSessions().build();

  /** {@code TPMS_CONTEXT} (Part 2 §14.5). */
  public record In(long sequence, int savedHandle, int hierarchy, byte[] contextBlob) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return in.parameter(
        1,
        r -> {
          long seq = r.readU64();
          int saved = r.readU32();
          if (!TpmHandle.isSession(saved)
              && (saved != ContextSave.SAVED_OBJECT
                  && saved != 0x8000_0001
                  && saved != ContextSave.SAVED_ST_CLEAR_OBJECT)) {
            throw new TpmException(TpmRc.VALUE);
          }
          int hierarchy = HandleType.RH_HIERARCHY_OR_NULL.read(r);
          return new In(seq, saved, hierarchy, r.read2B(Tpm2b.CONTEXT_DATA));
        });
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    Hierarchy h = Hierarchy.of(in.hierarchy()).orElseThrow();
    if (!state.isEnabled(h)) {
      throw new TpmException(TpmRc.parameter(TpmRc.HIERARCHY, 1));
    }
    byte[] plain;
    try {
      plain =
          ContextProtection.unprotect(
              state,
              ContextSave.resetValue(state, in.savedHandle()),
              in.sequence(),
              in.savedHandle(),
              in.hierarchy(),
              in.contextBlob());
    } catch (TpmException e) {
      throw e.atParameter(1);
    }
    TpmReader r = new TpmReader(plain);
    int kind = r.readU8();
    if (TpmHandle.isSession(in.savedHandle())) {
      int handle = r.readU32();
      byte[] nonce = r.read2B(Tpm2b.NONCE);
      AuthSession s = state.sessions().active(handle).orElse(null);
      if (kind != ContextSave.KIND_SESSION
          || handle != in.savedHandle()
          || s == null
          || state.sessions().loaded(handle).isPresent()
          || !MessageDigest.isEqual(nonce, s.nonceTpm())) {
        throw new TpmException(TpmRc.parameter(TpmRc.HANDLE, 1));
      }
      state.sessions().markLoaded(handle);
      ctx.setResponseHandle(handle);
      return;
    }
    if (kind != ContextSave.KIND_OBJECT) {
      throw new TpmException(TpmRc.parameter(TpmRc.INTEGRITY, 1));
    }
    int flags = r.readU8();
    int hierarchy = r.readU32();
    TpmtPublic pub = TpmtPublic.read2B(r, true);
    TpmtSensitive sensitive =
        (flags & ContextSave.FLAG_PUBLIC_ONLY) != 0 ? null : r.readSized(TpmtSensitive::read);
    byte[] qn = r.read2B(Tpm2b.NAME);
    if (!r.atEnd() || hierarchy != in.hierarchy()) {
      throw new TpmException(TpmRc.parameter(TpmRc.INTEGRITY, 1));
    }
    int handle = state.allocateTransientHandle();
    TpmObject object =
        new TpmObject(
            handle, pub, sensitive, qn, hierarchy, (flags & ContextSave.FLAG_EXTERNAL) != 0);
    state.transientObjects().put(handle, object);
    ctx.setResponseHandle(handle);
  }
}
