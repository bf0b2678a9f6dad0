package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicySecret (Part 3 §23.4): the policy is satisfied by knowing the authorisation of {@code
 * authHandle} (checked by the dispatcher like any USER authorisation): {@code policyDigest :=
 * H(H(policyDigest || TPM_CC_PolicySecret || authName) || policyRef)}. With a negative {@code
 * expiration} a real session also gets a timeout and a {@code TPMT_TK_AUTH} for TPM2_PolicyTicket
 * (not for a PIN Pass index).
 */
public final class PolicySecret implements Command<PolicySecret.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_SECRET)
          .handle(HandleType.DH_ENTITY, AuthRole.USER)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** nonceTPM, cpHashA, policyRef and expiration (INT32, seconds). */
  public record In(byte[] nonceTpm, byte[] cpHashA, byte[] policyRef, int expiration) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.NONCE)),
        in.parameter(2, r -> r.read2B(Tpm2b.DIGEST)),
        in.parameter(3, r -> r.read2B(Tpm2b.NONCE)),
        in.parameter(4, TpmReader::readU32));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 1);
    Entity auth = ctx.entity(0);
    long timeout = 0;
    if (!s.isTrial()) {
      timeout = PolicySessions.authTimeout(ctx, s, in.expiration(), in.nonceTpm());
      PolicySessions.parameterChecks(ctx, s, timeout, in.cpHashA(), in.nonceTpm(), 1, 2, 4);
    }
    byte[] authName = auth.name();
    PolicySessions.contextUpdate(
        s, TpmCc.POLICY_SECRET, authName, in.policyRef(), in.cpHashA(), timeout);
    boolean pinPass = auth instanceof NvIndex nv && nv.type() == TpmaNv.NT_PIN_PASS;
    if (in.expiration() < 0 && !s.isTrial() && !pinPass) {
      boolean expiresOnReset = in.nonceTpm().length == 0;
      int hierarchy = auth.hierarchy();
      byte[] ticket =
          PolicyTickets.authTicket(
              ctx.state(),
              TpmSt.AUTH_SECRET,
              hierarchy,
              timeout,
              expiresOnReset,
              in.cpHashA(),
              in.policyRef(),
              authName);
      long buffer = timeout | (expiresOnReset ? PolicyTickets.EXPIRES_ON_RESET : 0);
      out.write2B(new TpmWriter(8).writeU64(buffer).toByteArray());
      new PolicyTickets.Ticket(TpmSt.AUTH_SECRET, hierarchy, ticket).write(out);
    } else {
      out.write2B(new byte[0]);
      PolicyTickets.Ticket.none(TpmSt.AUTH_SECRET).write(out);
    }
  }
}
