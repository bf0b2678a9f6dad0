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
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectSigner;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtSignature;
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicySigned (Part 3 §23.3): the policy is satisfied by a signature of the key {@code
 * authObject} (often a public key loaded with TPM2_LoadExternal) over
 *
 * <pre>
 *   aHash := H_sig(nonceTPM || expiration || cpHashA || policyRef)
 * </pre>
 *
 * with the signature's hash; then {@code policyDigest := H(H(policyDigest || TPM_CC_PolicySigned ||
 * keyName) || policyRef)}. A trial session only updates the digest. With a negative {@code
 * expiration} a real session also gets a timeout and a {@code TPMT_TK_AUTH} (tag {@code
 * TPM_ST_AUTH_SIGNED}, the key's hierarchy) for TPM2_PolicyTicket.
 */
public final class PolicySigned implements Command<PolicySigned.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_SIGNED)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** nonceTPM, cpHashA, policyRef, expiration (INT32, seconds) and the signature {@code auth}. */
  public record In(
      byte[] nonceTpm, byte[] cpHashA, byte[] policyRef, int expiration, TpmtSignature auth) {}

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
        in.parameter(4, TpmReader::readU32),
        in.parameter(5, TpmtSignature::read));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    AuthSession s = PolicySessions.session(ctx, 1);
    long timeout = 0;
    if (!s.isTrial()) {
      timeout = PolicySessions.authTimeout(ctx, s, in.expiration(), in.nonceTpm());
      PolicySessions.parameterChecks(ctx, s, timeout, in.cpHashA(), in.nonceTpm(), 1, 2, 4);
      HashAlgorithm hash =
          HashAlgorithm.fromAlgId(in.auth().hashAlg())
              .orElseThrow(() -> new TpmException(TpmRc.parameter(TpmRc.SCHEME, 5)));
      byte[] aHash =
          hash.digest(
              in.nonceTpm(), PolicySessions.u32(in.expiration()), in.cpHashA(), in.policyRef());
      try {
        ObjectSigner.verify(key, aHash, in.auth());
      } catch (TpmException e) {
        throw e.rc() == TpmRc.KEY ? e.atHandle(1) : e.atParameter(5);
      }
    }
    byte[] keyName = key.name();
    PolicySessions.contextUpdate(
        s, TpmCc.POLICY_SIGNED, keyName, in.policyRef(), in.cpHashA(), timeout);
    if (in.expiration() < 0 && !s.isTrial()) {
      boolean expiresOnReset = in.nonceTpm().length == 0;
      int hierarchy = key.hierarchy();
      byte[] ticket =
          PolicyTickets.authTicket(
              ctx.state(),
              TpmSt.AUTH_SIGNED,
              hierarchy,
              timeout,
              expiresOnReset,
              in.cpHashA(),
              in.policyRef(),
              keyName);
      long buffer = timeout | (expiresOnReset ? PolicyTickets.EXPIRES_ON_RESET : 0);
      out.write2B(new TpmWriter(8).writeU64(buffer).toByteArray());
      new PolicyTickets.Ticket(TpmSt.AUTH_SIGNED, hierarchy, ticket).write(out);
    } else {
      out.write2B(new byte[0]);
      PolicyTickets.Ticket.none(TpmSt.AUTH_SIGNED).write(out);
    }
  }
}
