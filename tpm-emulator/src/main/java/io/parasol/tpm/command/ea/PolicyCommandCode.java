package io.parasol.tpm.command.ea;

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
 * TPM2_PolicyCommandCode (Part 3 §23.11): the session authorises only command {@code code} ({@code
 * TPM_RC_VALUE} if another code was set, {@code TPM_RC_POLICY_CC} if not implemented).
 */
public final class PolicyCommandCode implements Command<Integer> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_COMMAND_CODE).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Integer parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readU32);
  }

  @Override
  public void execute(CommandContext ctx, Integer code, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (s.commandCode != 0 && s.commandCode != code) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
    }
    if (ctx.commands().find(code).isEmpty()) {
      throw new TpmException(TpmRc.parameter(TpmRc.POLICY_CC, 1));
    }
    PolicySessions.update(s, TpmCc.POLICY_COMMAND_CODE, PolicySessions.u32(code), null);
    s.commandCode = code;
  }
}
