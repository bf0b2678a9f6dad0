package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.session.AuthSession;
import java.security.MessageDigest;

/**
 * TPM2_PolicyTicket (Part 3 §23.5): a {@code TPMT_TK_AUTH} from an earlier TPM2_PolicySecret or
 * TPM2_PolicySigned stands in for that authorisation until its timeout. The ticket is recomputed
 * from the parameters and must match ({@code TPM_RC_TICKET}); trial sessions cannot use tickets
 * ({@code TPM_RC_ATTRIBUTES}).
 */
public final class PolicyTicket implements Command<PolicyTicket.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_TICKET)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .build();

  /** timeout, cpHashA, policyRef, authName and the ticket. */
  public record In(
      byte[] timeout,
      byte[] cpHashA,
      byte[] policyRef,
      byte[] authName,
      PolicyTickets.Ticket ticket) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.TIMEOUT)),
        in.parameter(2, r -> r.read2B(Tpm2b.DIGEST)),
        in.parameter(3, r -> r.read2B(Tpm2b.NONCE)),
        in.parameter(4, r -> r.read2B(Tpm2b.NAME)),
        in.parameter(5, r -> PolicyTickets.Ticket.read(r, TpmSt.AUTH_SECRET, TpmSt.AUTH_SIGNED)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (s.isTrial()) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    if (in.timeout().length != 8) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    long timeout = new TpmReader(in.timeout()).readU64();
    boolean expiresOnReset = (timeout & PolicyTickets.EXPIRES_ON_RESET) != 0;
    timeout &= ~PolicyTickets.EXPIRES_ON_RESET;
    PolicySessions.parameterChecks(ctx, s, timeout, in.cpHashA(), null, 0, 2, 1);
    PolicyTickets.Ticket t = in.ticket();
    byte[] expected =
        PolicyTickets.authTicket(
            ctx.state(),
            t.tag(),
            t.hierarchy(),
            timeout,
            expiresOnReset,
            in.cpHashA(),
            in.policyRef(),
            in.authName());
    if (!MessageDigest.isEqual(expected, t.digest())) {
      throw new TpmException(TpmRc.parameter(TpmRc.TICKET, 5));
    }
    int commandCode = t.tag() == TpmSt.AUTH_SIGNED ? TpmCc.POLICY_SIGNED : TpmCc.POLICY_SECRET;
    PolicySessions.contextUpdate(
        s, commandCode, in.authName(), in.policyRef(), in.cpHashA(), timeout);
  }
}
