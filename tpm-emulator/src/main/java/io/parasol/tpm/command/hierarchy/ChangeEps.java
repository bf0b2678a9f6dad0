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
 * TPM2_ChangeEPS (Part 3 §24.5): a new endorsement primary seed and proof; endorsement
 * authorisation and policy are emptied, and the endorsement hierarchy's transient and persistent
 * objects removed. EK certificates in NV (platform indices) stay, but no longer match.
 */
public final class ChangeEps implements Command<NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CHANGE_EPS)
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
    state.regenerateSeed(Hierarchy.ENDORSEMENT);
    state.regenerateProof(Hierarchy.ENDORSEMENT);
    state.permanentAuth(TpmHandle.RH_ENDORSEMENT).clear();
    state.flushHierarchy(TpmHandle.RH_ENDORSEMENT);
    state.evictHierarchy(TpmHandle.RH_ENDORSEMENT);
  }
}
