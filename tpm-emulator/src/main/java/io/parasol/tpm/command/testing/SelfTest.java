package io.parasol.tpm.command.testing;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/** TPM2_SelfTest (Part 3 §10.2): every algorithm is already tested, so it succeeds at once. */
public final class SelfTest implements Command<Boolean> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.SELF_TEST).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code fullTest} (TPMI_YES_NO). */
  @Override
  public Boolean parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readYesNo);
  }

  @Override
  public void execute(CommandContext ctx, Boolean fullTest, TpmWriter out) {}
}
