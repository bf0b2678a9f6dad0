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
import io.parasol.tpm.session.AuthSession;
import java.security.MessageDigest;

/**
 * TPM2_PolicyAuthorize (Part 3 §23.16): replaces the current digest with one that names the key
 * {@code keySign}, provided that key signed {@code aHash := H_keyNameAlg(approvedPolicy ||
 * policyRef)} and TPM2_VerifySignature proved it with {@code checkTicket}. A real session must have
 * {@code approvedPolicy} as its digest ({@code TPM_RC_VALUE}) and a valid ticket ({@code
 * TPM_RC_VALUE} on the ticket); then {@code policyDigest := H(H(0…0 || TPM_CC_PolicyAuthorize ||
 * keySign) || policyRef)}.
 */
public final class PolicyAuthorize implements Command<PolicyAuthorize.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_AUTHORIZE)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .build();

  /** approvedPolicy, policyRef, keySign (a Name) and checkTicket ({@code TPMT_TK_VERIFIED}). */
  public record In(
      byte[] approvedPolicy, byte[] policyRef, byte[] keySign, PolicyTickets.Ticket checkTicket) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.DIGEST)),
        in.parameter(2, r -> r.read2B(Tpm2b.NONCE)),
        in.parameter(3, r -> r.read2B(Tpm2b.NAME)),
        in.parameter(4, r -> PolicyTickets.Ticket.read(r, TpmSt.VERIFIED)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    byte[] keySign = in.keySign();
    if (keySign.length < 2) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 3));
    }
    int nameAlg = ((keySign[0] & 0xFF) << 8) | (keySign[1] & 0xFF);
    HashAlgorithm hash =
        HashAlgorithm.fromAlgId(nameAlg)
            .orElseThrow(() -> new TpmException(TpmRc.parameter(TpmRc.HASH, 3)));
    if (keySign.length - 2 != hash.digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 3));
    }
    if (!s.isTrial()) {
      if (!MessageDigest.isEqual(s.policyDigest, in.approvedPolicy())) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
      }
      byte[] aHash = hash.digest(in.approvedPolicy(), in.policyRef());
      byte[] expected =
          PolicyTickets.verifiedTicket(ctx.state(), in.checkTicket().hierarchy(), aHash, keySign);
      if (!MessageDigest.isEqual(expected, in.checkTicket().digest())) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 4));
      }
    }
    s.policyDigest = new byte[s.authHash().digestSize()];
    PolicySessions.update(s, TpmCc.POLICY_AUTHORIZE, keySign, in.policyRef());
  }
}
