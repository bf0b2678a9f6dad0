package io.parasol.tpm.command.ea;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicyCpHash (Part 3 §23.13): the session authorises only the command whose cpHash is {@code
 * cpHashA} ({@code TPM_RC_SIZE} unless a digest of the session hash, {@code TPM_RC_CPHASH} if a
 * different cpHash or a nameHash is already set).
 */
public final class PolicyCpHash implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_CP_HASH)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.DIGEST));
  }

  @Override
  public void execute(CommandContext ctx, byte[] cpHashA, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (cpHashA.length != s.authHash().digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    if (s.cpHash.length != 0
        && (!s.isCpHashDefined || !java.util.Arrays.equals(cpHashA, s.cpHash))) {
      throw new TpmException(TpmRc.CPHASH);
    }
    PolicySessions.update(s, TpmCc.POLICY_CP_HASH, cpHashA, null);
    s.cpHash = cpHashA.clone();
    s.isCpHashDefined = true;
  }
}
