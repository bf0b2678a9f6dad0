package io.parasol.tpm.command.integrity;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlDigestValues;
import io.parasol.tpm.marshal.TpmtHa;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_PCR_Event (Part 3 §22.3): hashes {@code eventData} with every implemented hash, extends each
 * digest into its allocated bank of the PCR (unless {@code TPM_RH_NULL}), and returns them all.
 */
public final class PcrEvent implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.PCR_EVENT)
          .handle(HandleType.DH_PCR_OR_NULL, AuthRole.USER)
          .decrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code eventData} (TPM2B_EVENT). */
  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.EVENT));
  }

  @Override
  public void execute(CommandContext ctx, byte[] eventData, TpmWriter out) throws TpmException {
    int pcr = ctx.handle(0);
    if (pcr != TpmHandle.RH_NULL) {
      PcrLocality.checkExtend(pcr, ctx.locality());
    }
    List<TpmtHa> digests = new ArrayList<>();
    for (HashAlgorithm h : HashAlgorithm.values()) {
      digests.add(new TpmtHa(h.algId(), h.digest(eventData)));
    }
    if (pcr != TpmHandle.RH_NULL) {
      ctx.state().pcrs().extend(pcr, digests);
      PcrLocality.changed(ctx.state(), pcr);
    }
    new TpmlDigestValues(digests).write(out);
  }
}
