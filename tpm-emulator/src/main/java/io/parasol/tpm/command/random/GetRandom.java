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
 * TPM2_GetRandom (Part 3 §16.1): up to {@code bytesRequested} random octets, but never more than
 * fit a {@code TPM2B_DIGEST} (the largest digest, 64 octets here).
 */
public final class GetRandom implements Command<Integer> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.GET_RANDOM).encrypt().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code bytesRequested} (UINT16). */
  @Override
  public Integer parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readU16);
  }

  @Override
  public void execute(CommandContext ctx, Integer bytesRequested, TpmWriter out) {
    out.write2B(ctx.state().randomBytes(Math.min(bytesRequested, Tpm2b.DIGEST)));
  }
}
