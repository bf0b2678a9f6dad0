package io.parasol.tpm.command.sessions;

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
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicyRestart (Part 3 §11.2): puts a policy session's digest and conditions back to their
 * start values, keeping its nonces, keys and its trial state, so a policy (for example one branch
 * of a PolicyOR that turned out not to hold) can be tried again without a new session.
 */
public final class PolicyRestart implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_RESTART).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

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
    AuthSession s =
        ctx.state()
            .sessions()
            .loaded(ctx.handle(0))
            .filter(AuthSession::isPolicy)
            .orElseThrow(() -> new TpmException(TpmRc.handle(TpmRc.HANDLE, 1)));
    s.resetPolicy();
  }
}
