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
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;

/**
 * TPM2_NV_UndefineSpaceSpecial (Part 3 §31.5): deletes an index with {@code POLICY_DELETE}, which
 * takes both the index's policy (ADMIN role) and platform authorisation.
 */
public final class NvUndefineSpaceSpecial implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_UNDEFINE_SPACE_SPECIAL)
          .handle(HandleType.RH_NV_INDEX, AuthRole.ADMIN)
          .handle(HandleType.RH_PLATFORM, AuthRole.USER)
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
    NvIndex index = Indices.index(ctx, 0);
    if (!index.has(TpmaNv.POLICY_DELETE)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    Indices.delete(ctx.state(), index);
  }
}
