package io.parasol.tpm.command.hierarchy;

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

/**
 * TPM2_ClearControl (Part 3 §24.7): sets or clears {@code disableClear}. Lockout may only set it;
 * clearing it with lockout authorisation is {@code TPM_RC_AUTH_FAIL}.
 */
public final class ClearControl implements Command<Boolean> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CLEAR_CONTROL).handle(HandleType.RH_CLEAR, AuthRole.USER).nv().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code disable} (TPMI_YES_NO). */
  @Override
  public Boolean parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readYesNo);
  }

  @Override
  public void execute(CommandContext ctx, Boolean disable, TpmWriter out) throws TpmException {
    if (ctx.handle(0) == TpmHandle.RH_LOCKOUT && !disable) {
      throw new TpmException(TpmRc.AUTH_FAIL);
    }
    ctx.state().setClearDisabled(disable);
  }
}
