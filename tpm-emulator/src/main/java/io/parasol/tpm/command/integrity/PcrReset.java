package io.parasol.tpm.command.integrity;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_PCR_Reset (Part 3 §22.8): sets a PCR to zero in every bank, if the PC Client attributes
 * allow it at the command's locality (PCR 16 and 23 at localities 0–3; 17–22 only at the localities
 * of the dynamic root of trust), else {@code TPM_RC_LOCALITY}.
 */
public final class PcrReset implements Command<NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.PCR_RESET).handle(HandleType.DH_PCR, AuthRole.USER).build();

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
    int pcr = ctx.handle(0);
    PcrLocality.checkReset(pcr, ctx.locality());
    ctx.state().pcrs().reset(pcr);
    PcrLocality.changed(ctx.state(), pcr);
  }
}
