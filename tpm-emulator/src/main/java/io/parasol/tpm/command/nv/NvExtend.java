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
import io.parasol.tpm.nv.NvAccess;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;

/**
 * TPM2_NV_Extend (Part 3 §31.9): {@code data := H_nameAlg(data || input)} for an extend index; an
 * unwritten index starts from zeros.
 */
public final class NvExtend implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_EXTEND)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
          .decrypt()
          .nv()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.MAX_NV_BUFFER));
  }

  @Override
  public void execute(CommandContext ctx, byte[] data, TpmWriter out) throws TpmException {
    NvIndex index = Indices.index(ctx, 1);
    NvAccess.checkWrite(ctx.handle(0), index);
    if (index.type() != TpmaNv.NT_EXTEND) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    int size = index.publicArea().dataSize();
    byte[] old = index.isWritten() ? index.read(0, size) : new byte[size];
    index.write(0, index.publicArea().nameAlg().digest(old, data));
  }
}
