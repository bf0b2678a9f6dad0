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
 * TPM2_PolicyNameHash (Part 3 §23.14): the session authorises only a command whose handles have
 * Names hashing to {@code nameHash} ({@code TPM_RC_CPHASH} if a cpHash or nameHash is already set).
 */
public final class PolicyNameHash implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_NAME_HASH)
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
  public void execute(CommandContext ctx, byte[] nameHash, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (nameHash.length != s.authHash().digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    if (s.cpHash.length != 0) {
      throw new TpmException(TpmRc.CPHASH);
    }
    PolicySessions.update(s, TpmCc.POLICY_NAME_HASH, nameHash, null);
    s.cpHash = nameHash.clone();
    s.isCpHashDefined = false;
  }
}
