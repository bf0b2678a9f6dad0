package io.parasol.tpm.command.audit;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3 §21.2): with the owner's or the platform's authorisation,
 * either changes the audit hash ({@code auditAlg} not NULL and different; then both lists must be
 * empty, {@code TPM_RC_VALUE}) and restarts the digest, or adds {@code setList} and removes {@code
 * clearList} from the audited commands. Codes this TPM does not implement are ignored;
 * TPM2_SetCommandCodeAuditStatus itself is always audited.
 */
public final class SetCommandCodeAuditStatus implements Command<SetCommandCodeAuditStatus.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS)
          .handle(HandleType.RH_PROVISION, AuthRole.USER)
          .nv()
          .build();

  /** {@code auditAlg} (TPMI_ALG_HASH+), {@code setList} and {@code clearList} (TPML_CC). */
  public record In(int auditAlg, List<Integer> setList, List<Integer> clearList) {
    public In {
      setList = List.copyOf(setList);
      clearList = List.copyOf(clearList);
    }
  }

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    int alg =
        in.parameter(
            1,
            r -> {
              int a = r.readU16();
              if (a != TpmAlgId.NULL && HashAlgorithm.fromAlgId(a).isEmpty()) {
                throw new TpmException(TpmRc.HASH);
              }
              return a;
            });
    return new In(
        alg,
        in.parameter(2, SetCommandCodeAuditStatus::readCommandCodes),
        in.parameter(3, SetCommandCodeAuditStatus::readCommandCodes));
  }

  /** {@code TPML_CC}: a count (at most {@code MAX_CAP_CC}, else {@code TPM_RC_SIZE}) and codes. */
  static List<Integer> readCommandCodes(TpmReader r) throws TpmException {
    int count = r.readU32();
    if (Integer.compareUnsigned(count, TpmLimits.MAX_CAP_CC) > 0) {
      throw new TpmException(TpmRc.SIZE);
    }
    List<Integer> codes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      codes.add(r.readU32());
    }
    return codes;
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    var state = ctx.state();
    if (in.auditAlg() != TpmAlgId.NULL && in.auditAlg() != CommandAudit.auditHashAlgId(state)) {
      if (!in.setList().isEmpty() || !in.clearList().isEmpty()) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
      }
      state.setAuditHashAlg(in.auditAlg());
      CommandAudit.algorithmChanged(state);
      return;
    }
    for (int cc : in.setList()) {
      if (ctx.commands().find(cc).isPresent()) {
        state.auditCommands().add(cc);
      }
    }
    for (int cc : in.clearList()) {
      if (cc != TpmCc.SET_COMMAND_CODE_AUDIT_STATUS) {
        state.auditCommands().remove(cc);
      }
    }
  }
}
