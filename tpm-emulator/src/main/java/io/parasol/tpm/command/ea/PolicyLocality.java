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
import io.parasol.tpm.session.AuthSession;

/**
 * TPM2_PolicyLocality (Part 3 §23.8): the session authorises only at the localities of {@code
 * locality} ({@code TPMA_LOCALITY}). Repeated calls intersect the allowed localities; a zero
 * result, or mixing the bitmap form (0–4) with an extended locality (32–255), is {@code
 * TPM_RC_RANGE}.
 */
public final class PolicyLocality implements Command<Integer> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.POLICY_LOCALITY).handle(HandleType.SH_POLICY, AuthRole.NONE).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Integer parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmReader::readU8);
  }

  @Override
  public void execute(CommandContext ctx, Integer locality, TpmWriter out) throws TpmException {
    AuthSession s = PolicySessions.session(ctx, 0);
    TpmException range = new TpmException(TpmRc.parameter(TpmRc.RANGE, 1));
    if (locality == 0) {
      throw range;
    }
    int previous = s.commandLocality;
    if (previous != 0 && (previous < 32) != (locality < 32)) {
      throw range;
    }
    int setting;
    if (locality < 32) {
      setting = (previous == 0 ? 0x1F : previous) & locality;
      if (setting == 0) {
        throw range;
      }
    } else {
      if (previous != 0 && previous != locality) {
        throw range;
      }
      setting = locality;
    }
    // The digest takes the requested locality, not the intersection (Part 3 §23.8.1).
    PolicySessions.update(s, TpmCc.POLICY_LOCALITY, new byte[] {(byte) (int) locality}, null);
    s.commandLocality = setting;
  }
}
