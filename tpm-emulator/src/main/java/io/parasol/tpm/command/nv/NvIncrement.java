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
 * TPM2_NV_Increment (Part 3 §31.8): adds one to a counter index. A counter's first increment starts
 * from the largest value any deleted counter reached ({@code maxCounter}), so a counter value is
 * never seen twice on this TPM. Every increment is persisted, so {@code TPMA_NV_ORDERLY} counters
 * need no high-water jump after an unorderly shutdown.
 */
public final class NvIncrement implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_INCREMENT)
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
    NvAccess.checkWrite(ctx.handle(0), index);
    if (index.type() != TpmaNv.NT_COUNTER) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    long value = index.isWritten() ? index.readWord() : ctx.state().maxNvCounter();
    index.writeWord(value + 1);
  }
}
