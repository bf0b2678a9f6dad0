package io.parasol.tpm.command.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvAccess;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;

/**
 * TPM2_NV_SetBits (Part 3 §31.10): ORs {@code bits} into a bit-field index; an unwritten index
 * starts from zero.
 */
public final class NvSetBits implements Command<Long> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_SET_BITS)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
          .nv()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Long parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readU64);
  }

  @Override
  public void execute(CommandContext ctx, Long bits, TpmWriter out) throws TpmException {
    NvIndex index = Indices.index(ctx, 1);
    NvAccess.checkWrite(ctx.handle(0), index);
    if (index.type() != TpmaNv.NT_BITS) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    long old = index.isWritten() ? index.readWord() : 0;
    index.writeWord(old | bits);
  }
}
