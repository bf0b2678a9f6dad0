package io.parasol.tpm.command.nv;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;

/** How the NV commands find their index, and what they do when one goes away. */
final class Indices {
  private Indices() {}

  /** The NV index of handle {@code i}; {@code TPM_RC_HANDLE} if the handle names something else. */
  static NvIndex index(CommandContext ctx, int i) throws TpmException {
    Entity e = ctx.entity(i);
    if (e instanceof NvIndex index) {
      return index;
    }
    throw new TpmException(TpmRc.handle(TpmRc.HANDLE, i + 1));
  }

  /**
   * Deletes {@code index} ({@code NvDeleteIndex}): a counter's value raises the TPM's {@code
   * maxCounter} so a later counter starts above it.
   */
  static void delete(TpmState state, NvIndex index) {
    if (index.type() == TpmaNv.NT_COUNTER && index.isWritten()) {
      state.noteNvCounter(index.readWord());
    }
    state.nvIndices().remove(index.handle());
  }
}
