package io.parasol.tpm.command.testing;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_GetTestResult (Part 3 §10.4): no manufacturer-specific data ({@code outData} empty) and
 * {@code testResult} TPM_RC_SUCCESS.
 */
public final class GetTestResult implements Command<NoParameters> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.GET_TEST_RESULT).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public NoParameters parse(TpmReader in) {
    return NoParameters.read(in);
  }

  @Override
  public void execute(CommandContext ctx, NoParameters in, TpmWriter out) {
    out.write2B(new byte[0]).writeU32(TpmRc.SUCCESS);
  }
}
