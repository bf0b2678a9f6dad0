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
 * TPM2_NV_ReadLock (Part 3 §31.14): sets {@code READLOCKED} on an index with {@code READ_STCLEAR}
 * until the next Startup(CLEAR). An unwritten index may be locked; locking a locked one succeeds.
 */
public final class NvReadLock implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_READ_LOCK)
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
      NvAccess.checkRead(ctx.handle(0), index);
    } catch (TpmException e) {
      if (e.rc() == TpmRc.NV_LOCKED) {
        return;
      }
      if (e.rc() != TpmRc.NV_UNINITIALIZED) {
        throw e;
      }
    }
    if (!index.has(TpmaNv.READ_STCLEAR)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    index.setAttributes(TpmaNv.READLOCKED);
  }
}
