package io.parasol.tpm.command.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
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
 * TPM2_NV_UndefineSpace (Part 3 §31.4): deletes an index with owner or platform authorisation; not
 * one with {@code POLICY_DELETE} (that needs TPM2_NV_UndefineSpaceSpecial), and the owner may not
 * delete a platform-created index.
 */
public final class NvUndefineSpace implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_UNDEFINE_SPACE)
          .handle(HandleType.RH_PROVISION, AuthRole.USER)
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
    if (index.has(TpmaNv.POLICY_DELETE)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    if (ctx.handle(0) == TpmHandle.RH_OWNER && index.has(TpmaNv.PLATFORMCREATE)) {
      throw new TpmException(TpmRc.NV_AUTHORIZATION);
    }
    Indices.delete(ctx.state(), index);
  }
}
