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
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicyPhysicalPresence (Part 3 §23.12): the authorised command needs physical presence. This
 * platform has no presence signal yet, so such a policy can be computed but not satisfied.
 */
public final class PolicyPhysicalPresence implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_PHYSICAL_PRESENCE)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
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
    AuthSession s = PolicySessions.session(ctx, 0);
    PolicySessions.update(s, TpmCc.POLICY_PHYSICAL_PRESENCE, new byte[0], null);
    s.isPpRequired = true;
  }
}
