package io.parasol.tpm.command.sequences;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.integrity.PcrLocality;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlDigestValues;
import io.parasol.tpm.marshal.TpmtHa;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TPM2_EventSequenceComplete (Part 3 §17.6): adds the last data to an event sequence, extends its
 * digests into the PCR's allocated banks (unless {@code TPM_RH_NULL}), returns one digest per
 * implemented hash, and flushes the sequence.
 */
public final class EventSequenceComplete implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.EVENT_SEQUENCE_COMPLETE)
          .handle(HandleType.DH_PCR_OR_NULL, AuthRole.USER)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .flushed()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code buffer} (TPM2B_MAX_BUFFER). */
  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.MAX_BUFFER));
  }

  @Override
  public void execute(CommandContext ctx, byte[] buffer, TpmWriter out) throws TpmException {
    int pcr = ctx.handle(0);
    if (!(ctx.entity(1) instanceof HashSequence seq) || seq.kind() != HashSequence.Kind.EVENT) {
      throw new TpmException(TpmRc.handle(TpmRc.MODE, 2));
    }
    if (pcr != TpmHandle.RH_NULL) {
      PcrLocality.checkExtend(pcr, ctx.locality());
    }
    seq.update(buffer);
    List<TpmtHa> digests = new ArrayList<>();
    for (Map.Entry<HashAlgorithm, byte[]> e : seq.completeEvent().entrySet()) {
      digests.add(new TpmtHa(e.getKey().algId(), e.getValue()));
    }
    if (pcr != TpmHandle.RH_NULL) {
      ctx.state().pcrs().extend(pcr, digests);
      PcrLocality.changed(ctx.state(), pcr);
    }
    ctx.state().transientObjects().remove(ctx.handle(1));
    new TpmlDigestValues(digests).write(out);
  }
}
