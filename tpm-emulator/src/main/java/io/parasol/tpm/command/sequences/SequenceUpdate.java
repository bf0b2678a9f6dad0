package io.parasol.tpm.command.sequences;

import io.parasol.tpm.AuthRole;
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
 * TPM2_SequenceUpdate (Part 3 §17.4): adds {@code buffer} to a hash, HMAC or event sequence; any
 * other object is {@code TPM_RC_MODE}.
 */
public final class SequenceUpdate implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.SEQUENCE_UPDATE)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
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
    if (!(ctx.entity(0) instanceof HashSequence seq)) {
      throw new TpmException(TpmRc.handle(TpmRc.MODE, 1));
    }
    seq.update(buffer);
  }
}
