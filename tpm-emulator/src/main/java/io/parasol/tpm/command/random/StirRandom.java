package io.parasol.tpm.command.random;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_StirRandom (Part 3 §16.2): mixes {@code inData} (a {@code TPM2B_SENSITIVE_DATA}) into the
 * random generator as additional input; it never replaces the generator's own entropy.
 */
public final class StirRandom implements Command<byte[]> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.STIR_RANDOM).decrypt().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.SENSITIVE_DATA));
  }

  @Override
  public void execute(CommandContext ctx, byte[] inData, TpmWriter out) {
    ctx.state().random().setSeed(inData);
  }
}
