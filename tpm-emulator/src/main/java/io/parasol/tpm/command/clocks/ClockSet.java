package io.parasol.tpm.command.clocks;

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

/**
 * TPM2_ClockSet (Part 3 §29.2): with owner or platform authorisation, advances {@code clock}; it
 * may not go back, nor reach {@code 0xFFFF000000000000} ({@code TPM_RC_VALUE}).
 */
public final class ClockSet implements Command<Long> {
  static final long MAX_CLOCK = 0xFFFF_0000_0000_0000L;

  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CLOCK_SET).handle(HandleType.RH_PROVISION, AuthRole.USER).nv().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code newTime} (UINT64). */
  @Override
  public Long parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readU64);
  }

  @Override
  public void execute(CommandContext ctx, Long newTime, TpmWriter out) throws TpmException {
    if (Long.compareUnsigned(newTime, MAX_CLOCK) > 0
        || Long.compareUnsigned(newTime, ctx.state().clock().clock()) < 0) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
    }
    ctx.state().clock().set(newTime);
  }
}
