package io.parasol.tpm.command.clocks;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmClock;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmsClockInfo;
import io.parasol.tpm.marshal.TpmsTimeInfo;

/** TPM2_ReadClock (Part 3 §29.1): {@code TPMS_TIME_INFO}, time and clock. */
public final class ReadClock implements Command<NoParameters> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.READ_CLOCK).build();

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
    timeInfo(ctx.state()).write(out);
  }

  /** The current {@code TPMS_TIME_INFO} (also what GetTime and attestation structures report). */
  public static TpmsTimeInfo timeInfo(TpmState state) {
    TpmClock clock = state.clock();
    return new TpmsTimeInfo(
        clock.time(),
        new TpmsClockInfo(clock.clock(), state.resetCount(), state.restartCount(), clock.safe()));
  }
}
