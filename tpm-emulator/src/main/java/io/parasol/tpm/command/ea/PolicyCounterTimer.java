package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.clocks.ReadClock;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicyCounterTimer (Part 3 §23.10): the policy holds if {@code TPMS_TIME_INFO[offset..]
 * <operation> operandB}, over the marshalled time, clock, resetCount, restartCount and safe of
 * TPM2_ReadClock. Offsets outside the structure fail even for a trial session ({@code
 * TPM_RC_VALUE}/{@code TPM_RC_RANGE}). {@code policyDigest := H(policyDigest ||
 * TPM_CC_PolicyCounterTimer || H(operandB || offset || operation))}.
 */
public final class PolicyCounterTimer implements Command<Comparison> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_COUNTER_TIMER)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Comparison parse(TpmReader in) throws TpmException {
    return Comparison.read(in);
  }

  @Override
  public void execute(CommandContext ctx, Comparison in, TpmWriter out) throws TpmException {
    TpmWriter info = new TpmWriter(25);
    ReadClock.timeInfo(ctx.state()).write(info);
    byte[] timeInfo = info.toByteArray();
    if (in.offset() > timeInfo.length) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 2));
    }
    if (in.offset() + in.operandB().length > timeInfo.length) {
      throw new TpmException(TpmRc.RANGE);
    }
    AuthSession s = PolicySessions.session(ctx, 0);
    if (!s.isTrial()) {
      byte[] operandA =
          java.util.Arrays.copyOfRange(timeInfo, in.offset(), in.offset() + in.operandB().length);
      if (!in.holds(operandA)) {
        throw new TpmException(TpmRc.POLICY);
      }
    }
    byte[] args = in.args(s);
    s.extendPolicy(PolicySessions.u32(TpmCc.POLICY_COUNTER_TIMER), args);
  }
}
