package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_ChangePPS (Part 3 §24.4): a new platform primary seed and proof; the platform policy is
 * removed and the platform's transient objects flushed.
 */
public final class ChangePps implements Command<NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CHANGE_PPS)
          .handle(HandleType.RH_PLATFORM, AuthRole.USER)
          .nv()
          .extensive()
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
    TpmState state = ctx.state();
    state.regenerateSeed(Hierarchy.PLATFORM);
    state.regenerateProof(Hierarchy.PLATFORM);
    state.permanentAuth(TpmHandle.RH_PLATFORM).setPolicy(io.parasol.tpm.TpmAlgId.NULL, new byte[0]);
    state.flushHierarchy(TpmHandle.RH_PLATFORM);
    state.clearOrderly();
  }
}
