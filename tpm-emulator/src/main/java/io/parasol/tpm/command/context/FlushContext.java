package io.parasol.tpm.command.context;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_FlushContext (Part 3 §28.4): removes a loaded transient object or sequence, or an active
 * (loaded or saved) session. The handle is a parameter, not in the handle area, and the command
 * takes no sessions. A handle of another type is {@code TPM_RC_VALUE}, one that is not there {@code
 * TPM_RC_HANDLE}.
 */
public final class FlushContext implements Command<Integer> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.FLUSH_CONTEXT).noSessions().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code flushHandle} (TPMI_DH_CONTEXT). */
  @Override
  public Integer parse(TpmReader in) throws TpmException {
    return in.parameter(
        1,
        r -> {
          int h = r.readU32();
          if (!TpmHandle.isSession(h) && !TpmHandle.isTransient(h)) {
            throw new TpmException(TpmRc.VALUE);
          }
          return h;
        });
  }

  @Override
  public void execute(CommandContext ctx, Integer handle, TpmWriter out) throws TpmException {
    boolean flushed =
        TpmHandle.isSession(handle)
            ? ctx.state().sessions().flush(handle)
            : ctx.state().transientObjects().remove(handle) != null;
    if (!flushed) {
      throw new TpmException(TpmRc.parameter(TpmRc.HANDLE, 1));
    }
  }
}
