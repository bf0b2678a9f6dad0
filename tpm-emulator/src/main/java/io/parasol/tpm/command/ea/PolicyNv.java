package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
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
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicyNV (Part 3 §23.9): the policy holds if {@code NV[offset..] <operation> operandB} for
 * an index the caller may read (the read rules of TPM2_NV_Read; {@code TPM_RC_POLICY} if the
 * comparison fails). {@code policyDigest := H(policyDigest || TPM_CC_PolicyNV || args || nvName)}
 * with {@code args := H(operandB || offset || operation)}. A trial session skips the checks.
 */
public final class PolicyNv implements Command<Comparison> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_NV)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
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
    AuthSession s = PolicySessions.session(ctx, 2);
    Entity e = ctx.entity(1);
    if (!(e instanceof NvIndex index)) {
      throw new TpmException(TpmRc.handle(TpmRc.HANDLE, 2));
    }
    if (!s.isTrial()) {
      NvAccess.checkRead(ctx.handle(0), index);
      int dataSize = index.publicArea().dataSize();
      if (in.offset() > dataSize) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 2));
      }
      if (dataSize - in.offset() < in.operandB().length) {
        throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
      }
      byte[] operandA = index.read(in.offset(), in.operandB().length);
      if (!in.holds(operandA)) {
        throw new TpmException(TpmRc.POLICY);
      }
    }
    byte[] args = in.args(s);
    s.extendPolicy(PolicySessions.u32(TpmCc.POLICY_NV), args, index.name());
  }
}
