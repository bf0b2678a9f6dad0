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
 * TPM2_NV_Write (Part 3 §31.7): writes {@code data} at {@code offset} of an ordinary or PIN index
 * and sets {@code TPMA_NV_WRITTEN}; {@code WRITEALL} indices take only whole writes.
 */
public final class NvWrite implements Command<NvWrite.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_WRITE)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
          .decrypt()
          .nv()
          .build();

  /** {@code data} (TPM2B_MAX_NV_BUFFER) and {@code offset} (UINT16). */
  public record In(byte[] data, int offset) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.MAX_NV_BUFFER)), in.parameter(2, TpmReader::readU16));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    NvIndex index = Indices.index(ctx, 1);
    NvAccess.checkWrite(ctx.handle(0), index);
    int type = index.type();
    if (type == TpmaNv.NT_COUNTER || type == TpmaNv.NT_BITS || type == TpmaNv.NT_EXTEND) {
      throw new TpmException(TpmRc.ATTRIBUTES);
    }
    int size = index.publicArea().dataSize();
    if (in.offset() > size) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 2));
    }
    if (in.data().length > size - in.offset()) {
      throw new TpmException(TpmRc.NV_RANGE);
    }
    if (index.has(TpmaNv.WRITEALL) && in.data().length < size) {
      throw new TpmException(TpmRc.NV_RANGE);
    }
    index.write(in.offset(), in.data());
  }
}
