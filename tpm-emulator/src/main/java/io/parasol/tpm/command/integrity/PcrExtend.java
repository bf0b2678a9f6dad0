package io.parasol.tpm.command.integrity;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlDigestValues;

/**
 * TPM2_PCR_Extend (Part 3 §22.2): extends each digest of {@code digests} into the bank of its
 * algorithm ({@code PCR := H(PCR || digest)}); banks that are not allocated are skipped, and {@code
 * TPM_RH_NULL} makes the command do nothing.
 */
public final class PcrExtend implements Command<TpmlDigestValues> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.PCR_EXTEND).handle(HandleType.DH_PCR_OR_NULL, AuthRole.USER).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public TpmlDigestValues parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmlDigestValues::read);
  }

  @Override
  public void execute(CommandContext ctx, TpmlDigestValues digests, TpmWriter out)
      throws TpmException {
    int pcr = ctx.handle(0);
    if (pcr == TpmHandle.RH_NULL) {
      return;
    }
    PcrLocality.checkExtend(pcr, ctx.locality());
    ctx.state().pcrs().extend(pcr, digests.digests());
    PcrLocality.changed(ctx.state(), pcr);
  }
}
