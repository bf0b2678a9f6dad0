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
 * TPM2_PolicyAuthValue (Part 3 §23.17): the authorised entity's authValue goes into the session
 * HMAC ({@code policyDigest := H(policyDigest || TPM_CC_PolicyAuthValue)}).
 */
public final class PolicyAuthValue implements Command<Command.NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_AUTH_VALUE).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

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
    extend(ctx, false);
  }

  /**
   * Extends {@code TPM_CC_PolicyAuthValue} into the policy session at handle 1 and records how its
   * authValue is to be given: in clear ({@code password}, TPM2_PolicyPassword) or in the HMAC.
   */
  static void extend(CommandContext ctx, boolean password) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    PolicySessions.update(s, TpmCc.POLICY_AUTH_VALUE, new byte[0], null);
    s.isAuthValueNeeded = !password;
    s.isPasswordNeeded = password;
  }
}
