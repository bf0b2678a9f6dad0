package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_PolicyPassword (Part 3 §23.18): the authValue is given in clear in the HMAC field. The
 * digest is the one of TPM2_PolicyAuthValue ({@code TPM_CC_PolicyAuthValue}), so either command
 * satisfies the same policy.
 */
public final class PolicyPassword implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_PASSWORD).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

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
    PolicyAuthValue.extend(ctx, true);
  }
}
