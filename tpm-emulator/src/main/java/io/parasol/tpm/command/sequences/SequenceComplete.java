package io.parasol.tpm.command.sequences;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_SequenceComplete (Part 3 §17.5): adds the last data to a hash or HMAC sequence, returns the
 * digest and flushes the sequence. A hash sequence gets a hash-check ticket in {@code hierarchy} if
 * its data did not begin with {@code TPM_GENERATED_VALUE}; an HMAC sequence gets the NULL ticket.
 */
public final class SequenceComplete implements Command<SequenceComplete.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.SEQUENCE_COMPLETE)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .flushed()
          .build();

  /** {@code buffer} (TPM2B_MAX_BUFFER) and {@code hierarchy} (TPMI_RH_HIERARCHY+). */
  public record In(byte[] buffer, int hierarchy) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] buffer = in.parameter(1, r -> r.read2B(Tpm2b.MAX_BUFFER));
    int hierarchy = in.parameter(2, HandleType.RH_HIERARCHY_OR_NULL::read);
    return new In(buffer, hierarchy);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    if (!(ctx.entity(0) instanceof HashSequence seq) || seq.kind() == HashSequence.Kind.EVENT) {
      throw new TpmException(TpmRc.handle(TpmRc.MODE, 1));
    }
    if (!ctx.state().isEnabled(Hierarchy.of(in.hierarchy()).orElseThrow())) {
      throw new TpmException(TpmRc.parameter(TpmRc.HIERARCHY, 2));
    }
    seq.update(in.buffer());
    byte[] result = seq.complete();
    HashCheckTicket ticket =
        seq.kind() == HashSequence.Kind.HASH
            ? HashCheckTicket.of(
                ctx.state(), in.hierarchy(), seq.hashAlgorithm(), result, seq.ticketSafe())
            : HashCheckTicket.none();
    ctx.state().transientObjects().remove(ctx.handle(0));
    out.write2B(result);
    ticket.write(out);
  }
}
