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
 * TPM2_PolicyDuplicationSelect (Part 3 §23.15): the session authorises only TPM2_Duplicate of
 * {@code objectName} to {@code newParentName}: it sets the nameHash {@code H(objectName ||
 * newParentName)} and the command code, and {@code policyDigest := H(policyDigest ||
 * TPM_CC_PolicyDuplicationSelect || [objectName ||] newParentName || includeObject)}. {@code
 * TPM_RC_CPHASH} if a cpHash/nameHash, {@code TPM_RC_COMMAND_CODE} if a command code, is already
 * set.
 */
public final class PolicyDuplicationSelect implements Command<PolicyDuplicationSelect.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_DUPLICATION_SELECT)
          .handle(HandleType.SH_POLICY, AuthRole.NONE)
          .decrypt()
          .build();

  /** objectName, newParentName and includeObject. */
  public record In(byte[] objectName, byte[] newParentName, boolean includeObject) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.NAME)),
        in.parameter(2, r -> r.read2B(Tpm2b.NAME)),
        in.parameter(3, TpmReader::readYesNo));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    if (s.cpHash.length != 0) {
      throw new TpmException(TpmRc.CPHASH);
    }
    if (s.commandCode != 0) {
      throw new TpmException(TpmRc.COMMAND_CODE);
    }
    s.cpHash = PolicySessions.digest(s, in.objectName(), in.newParentName());
    s.isCpHashDefined = false;
    byte[] include = {(byte) (in.includeObject() ? 1 : 0)};
    if (in.includeObject()) {
      s.extendPolicy(
          PolicySessions.u32(TpmCc.POLICY_DUPLICATION_SELECT),
          in.objectName(),
          in.newParentName(),
          include);
    } else {
      s.extendPolicy(
          PolicySessions.u32(TpmCc.POLICY_DUPLICATION_SELECT), in.newParentName(), include);
    }
    s.commandCode = TpmCc.DUPLICATE;
  }
}
