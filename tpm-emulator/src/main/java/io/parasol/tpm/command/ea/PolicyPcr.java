package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import io.parasol.tpm.pcr.PcrBanks;
import io.parasol.tpm.session.AuthSession;
import java.security.MessageDigest;

/**
 * TPM2_PolicyPCR (Part 3 §23.7): the policy holds the selected PCR values: {@code policyDigest :=
 * H(policyDigest || TPM_CC_PolicyPCR || pcrs || pcrDigest)}, where {@code pcrDigest} is the session
 * hash of the selected, allocated PCRs in selection order. A real session checks a given {@code
 * pcrDigest} against the PCRs ({@code TPM_RC_VALUE}) and remembers the PCR update counter, so that
 * a later PCR change fails the authorisation ({@code TPM_RC_PCR_CHANGED}); a trial session uses the
 * given digest as is.
 */
public final class PolicyPcr implements Command<PolicyPcr.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_PCR)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .build();

  /** pcrDigest (may be empty) and pcrs. */
  public record In(byte[] pcrDigest, TpmlPcrSelection pcrs) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.DIGEST)), in.parameter(2, TpmlPcrSelection::read));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    PcrBanks banks = ctx.state().pcrs();
    byte[] pcrDigest = currentDigest(banks, s.authHash(), in.pcrs());
    if (!s.isTrial()) {
      if (s.pcrCounter >= 0 && s.pcrCounter != banks.updateCounter()) {
        throw new TpmException(TpmRc.PCR_CHANGED);
      }
      if (in.pcrDigest().length != 0 && !MessageDigest.isEqual(in.pcrDigest(), pcrDigest)) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
      }
    } else if (in.pcrDigest().length != 0) {
      pcrDigest = in.pcrDigest();
    }
    TpmWriter selection = new TpmWriter();
    in.pcrs().write(selection);
    s.extendPolicy(PolicySessions.u32(TpmCc.POLICY_PCR), selection.toByteArray(), pcrDigest);
    if (!s.isTrial()) {
      s.pcrCounter = banks.updateCounter();
    }
  }

  /** {@code PCRComputeCurrentDigest}: the hash of the selected, allocated PCRs. */
  static byte[] currentDigest(PcrBanks banks, HashAlgorithm hash, TpmlPcrSelection selection) {
    MessageDigest md = hash.newDigest();
    for (TpmsPcrSelection sel : selection.selections()) {
      HashAlgorithm bank = HashAlgorithm.fromAlgId(sel.hashAlg()).orElseThrow();
      for (int pcr = 0; pcr < sel.select().length * 8; pcr++) {
        if (sel.isSelected(pcr)) {
          banks.value(bank, pcr).ifPresent(md::update);
        }
      }
    }
    return md.digest();
  }
}
