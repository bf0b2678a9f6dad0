package io.parasol.tpm.command.capability;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmtPublic;

/**
 * TPM2_TestParms (Part 3 §30.3): whether the TPM supports a {@code TPMT_PUBLIC_PARMS}: its
 * unmarshalling is the whole test, so an unsupported type, key size, curve, scheme or symmetric
 * definition fails with the code the unmarshalling of a public area gives ({@link
 * TpmtPublic#readParameters}).
 */
public final class TestParms implements Command<TpmtPublic.Parameters> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.TEST_PARMS).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public TpmtPublic.Parameters parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> TpmtPublic.readParameters(r, r.readU16()));
  }

  @Override
  public void execute(CommandContext ctx, TpmtPublic.Parameters in, TpmWriter out) {}
}
