package io.parasol.tpm.command.integrity;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlDigest;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.pcr.PcrBanks;

/**
 * TPM2_PCR_Read (Part 3 §22.4): {@code pcrUpdateCounter}, the selection actually returned, and at
 * most eight PCR values.
 */
public final class PcrRead implements Command<TpmlPcrSelection> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.PCR_READ).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public TpmlPcrSelection parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmlPcrSelection::read);
  }

  @Override
  public void execute(CommandContext ctx, TpmlPcrSelection selection, TpmWriter out) {
    PcrBanks.ReadResult r = ctx.state().pcrs().read(selection);
    out.writeU32(r.updateCounter());
    r.selectionOut().write(out);
    new TpmlDigest(r.digests()).write(out);
  }
}
