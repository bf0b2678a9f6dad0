package io.parasol.tpm.command.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;

/**
 * TPM2_NV_GlobalWriteLock (Part 3 §31.12): write-locks every index with {@code GLOBALLOCK} until
 * the next Startup(CLEAR).
 */
public final class NvGlobalWriteLock implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_GLOBAL_WRITE_LOCK)
          .handle(HandleType.RH_PROVISION, AuthRole.USER)
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
  public void execute(CommandContext ctx, NoParameters in, TpmWriter out) {
    for (var e : ctx.state().nvIndices().values()) {
      if (e instanceof NvIndex index && index.has(TpmaNv.GLOBALLOCK)) {
        index.setAttributes(TpmaNv.WRITELOCKED);
      }
    }
  }
}
