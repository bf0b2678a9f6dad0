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
 * TPM2_ClockRateAdjust (Part 3 §29.3): {@code TPM_CLOCK_ADJUST} (Part 2 §6.8), an INT8 from −3
 * (coarse slower) to +3 (coarse faster).
 */
public final class ClockRateAdjust implements Command<Integer> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CLOCK_RATE_ADJUST)
          .handle(HandleType.RH_PROVISION, AuthRole.USER)
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Integer parse(TpmReader in) throws TpmException {
    return in.parameter(
        1,
        r -> {
          int adjust = (byte) r.readU8();
          if (adjust < -3 || adjust > 3) {
            throw new TpmException(TpmRc.VALUE);
          }
          return adjust;
        });
  }

  @Override
  public void execute(CommandContext ctx, Integer rateAdjust, TpmWriter out) {
    ctx.state().clock().adjustRate(rateAdjust);
  }
}
