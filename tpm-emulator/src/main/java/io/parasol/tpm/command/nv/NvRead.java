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

/**
 * TPM2_NV_Read (Part 3 §31.13): {@code size} octets from {@code offset} of a written index, at most
 * {@code MAX_NV_BUFFER_SIZE} per command.
 */
public final class NvRead implements Command<NvRead.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_READ)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
          .encrypt()
          .build();

  /** {@code size} and {@code offset} (UINT16 each). */
  public record In(int size, int offset) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(in.parameter(1, TpmReader::readU16), in.parameter(2, TpmReader::readU16));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    NvIndex index = Indices.index(ctx, 1);
    NvAccess.checkRead(ctx.handle(0), index);
    if (in.size() > io.parasol.tpm.TpmLimits.MAX_NV_BUFFER_SIZE) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
    }
    int dataSize = index.publicArea().dataSize();
    if (in.offset() > dataSize) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 2));
    }
    if (in.size() > dataSize - in.offset()) {
      throw new TpmException(TpmRc.NV_RANGE);
    }
    out.write2B(index.read(in.offset(), in.size()));
  }
}
