package io.parasol.tpm.command.ea;

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
import io.parasol.tpm.marshal.TpmlDigest;
import io.parasol.tpm.session.AuthSession;
import java.security.MessageDigest;

/**
 * TPM2_PolicyOR (Part 3 §23.6): the policy is satisfied if the current digest is one of {@code
 * pHashList} (2 to 8 digests; {@code TPM_RC_VALUE} if absent); then {@code policyDigest := H(0…0 ||
 * TPM_CC_PolicyOR || digests)}.
 */
public final class PolicyOr implements Command<TpmlDigest> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_OR).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public TpmlDigest parse(TpmReader in) throws TpmException {
    return in.parameter(
        1,
        r -> {
          TpmlDigest list = TpmlDigest.read(r);
          if (list.digests().size() < 2) {
            throw new TpmException(TpmRc.SIZE); // Part 3 Table 118: {2:} digests
          }
          return list;
        });
  }

  @Override
  public void execute(CommandContext ctx, TpmlDigest list, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (!s.isTrial()) {
      boolean found = false;
      for (byte[] d : list.digests()) {
        found |= MessageDigest.isEqual(d, s.policyDigest);
      }
      if (!found) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
      }
    }
    s.policyDigest = new byte[s.authHash().digestSize()];
    byte[][] parts = new byte[list.digests().size() + 1][];
    parts[0] = PolicySessions.u32(TpmCc.POLICY_OR);
    for (int i = 0; i < list.digests().size(); i++) {
      parts[i + 1] = list.digests().get(i);
    }
    s.extendPolicy(parts);
  }
}
