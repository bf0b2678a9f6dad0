package io.parasol.tpm.command.startup;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.TpmState.OrderlyState;
import io.parasol.tpm.TpmState.StartupKind;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_Startup (Part 3 §9.3): the first command after _TPM_Init. CLEAR gives a TPM Reset (or a TPM
 * Restart after Shutdown(STATE)); STATE gives a TPM Resume and needs a preceding Shutdown(STATE). A
 * second Startup is {@code TPM_RC_INITIALIZE}.
 */
public final class Startup implements Command<StartupType> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.STARTUP).noSessions().nv().build();

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
    TpmState state = ctx.state();
    if (state.isStarted()) {
      throw new TpmException(TpmRc.INITIALIZE);
    }
    boolean stateSaved = state.orderlyState() == OrderlyState.STATE;
    StartupKind kind;
    if (type == StartupType.STATE) {
      if (!stateSaved || state.savedState().isEmpty()) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
      }
      kind = StartupKind.RESUME;
    } else {
      kind = stateSaved ? StartupKind.RESTART : StartupKind.RESET;
    }
    state.startup(kind, ctx.locality(), state.hcrtmMeasured());
  }
}
