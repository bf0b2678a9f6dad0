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
 * TPM2_PolicyNvWritten (Part 3 §23.20): the authorised entity must be an NV index whose {@code
 * TPMA_NV_WRITTEN} equals {@code writtenSet}; a conflicting second call is {@code TPM_RC_VALUE}.
 */
public final class PolicyNvWritten implements Command<Boolean> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_NV_WRITTEN).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Boolean parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readYesNo);
  }

  @Override
  public void execute(CommandContext ctx, Boolean writtenSet, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (s.checkNvWritten && s.nvWrittenState != writtenSet) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
    }
    s.checkNvWritten = true;
    s.nvWrittenState = writtenSet;
    PolicySessions.update(
        s, TpmCc.POLICY_NV_WRITTEN, new byte[] {(byte) (writtenSet ? 1 : 0)}, null);
  }
}
