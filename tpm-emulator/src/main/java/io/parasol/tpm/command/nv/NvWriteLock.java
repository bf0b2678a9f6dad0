package io.parasol.tpm.command.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvAccess;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;

/**
 * TPM2_NV_WriteLock (Part 3 §31.11): sets {@code WRITELOCKED} on an index with {@code WRITEDEFINE}
 * (until deleted, once written) or {@code WRITE_STCLEAR} (until the next Startup(CLEAR)). Locking a
 * locked index succeeds.
 */
public final class NvWriteLock implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_WRITE_LOCK)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
          .nv()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public NoParameters parse(TpmReader in) {
    return NoParameters.read(in);
  }

  @Override
  public void execute(CommandContext ctx, NoParameters in, TpmWriter out) throws TpmException {
    NvIndex index = Indices.index(ctx, 1);
    try {
      NvAccess.checkWrite(ctx.handle(0), index);
    } catch (TpmException e) {
      if (e.rc() == TpmRc.NV_LOCKED) {
        return; // already locked: nothing to do
      }
      throw e;
    }
    if (!index.has(TpmaNv.WRITEDEFINE) && !index.has(TpmaNv.WRITE_STCLEAR)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    index.setAttributes(TpmaNv.WRITELOCKED);
  }
}
