package io.parasol.tpm.command.nv;

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
import io.parasol.tpm.nv.NvIndex;

/**
 * TPM2_NV_ChangeAuth (Part 3 §31.15): replaces the index's authValue; needs the index's policy
 * (ADMIN role, so a policy session with TPM2_PolicyCommandCode(NV_ChangeAuth)).
 */
public final class NvChangeAuth implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_CHANGE_AUTH)
          .handle(HandleType.RH_NV_INDEX, AuthRole.ADMIN)
          .decrypt()
          .nv()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.AUTH));
  }

  @Override
  public void execute(CommandContext ctx, byte[] newAuth, TpmWriter out) throws TpmException {
    NvIndex index = Indices.index(ctx, 0);
    byte[] trimmed = io.parasol.tpm.Entity.trimTrailingZeros(newAuth);
    if (trimmed.length > index.publicArea().nameAlg().digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    index.setAuthValue(trimmed);
  }
}
