package io.parasol.tpm.command.startup;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_Shutdown (Part 3 §9.4): prepares for power loss. STATE keeps the state a later
 * Startup(STATE) resumes; it is refused with {@code TPM_RC_TYPE} after PCR_Allocate changed the
 * banks, which need a Startup(CLEAR).
 */
public final class Shutdown implements Command<StartupType> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.SHUTDOWN).nv().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public StartupType parse(TpmReader in) throws TpmException {
    return in.parameter(1, StartupType::read);
  }

  @Override
  public void execute(CommandContext ctx, StartupType type, TpmWriter out) throws TpmException {
    if (type == StartupType.STATE && ctx.state().pcrs().isReconfigured()) {
      throw new TpmException(TpmRc.parameter(TpmRc.TYPE, 1));
    }
    ctx.state().shutdown(type == StartupType.STATE);
  }
}
