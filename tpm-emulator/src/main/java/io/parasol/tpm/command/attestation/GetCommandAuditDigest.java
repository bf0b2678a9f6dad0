package io.parasol.tpm.command.attestation;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.audit.CommandAudit;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_GetCommandAuditDigest (Part 3 §18.6): with the privacy administrator's authorisation, signs
 * the command audit digest, the audit counter and the digest of the audited command codes ({@code
 * TPMS_COMMAND_AUDIT_INFO}). A signed report clears the digest, so the next audited command starts
 * a new one under the next counter value.
 */
public final class GetCommandAuditDigest implements Command<AttestParameters.Plain> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.GET_COMMAND_AUDIT_DIGEST)
          .handle(HandleType.RH_ENDORSEMENT, AuthRole.USER)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
          .decrypt()
          .encrypt()
          .nv()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public AttestParameters.Plain parse(TpmReader in) throws TpmException {
    return AttestParameters.Plain.read(in);
  }

  @Override
  public void execute(CommandContext ctx, AttestParameters.Plain in, TpmWriter out)
      throws TpmException {
    AttestationSigner signer = AttestationSigner.of(ctx, 1, in.inScheme(), 2);
    TpmState state = ctx.state();
    TpmsAttest attest =
        signer.attest(
            state,
            in.qualifyingData(),
            new TpmsAttest.CommandAuditInfo(
                state.auditCounter(),
                CommandAudit.auditHashAlgId(state),
                state.commandAuditDigest(),
                CommandAudit.commandDigest(state)));
    signer.signAndWrite(state, attest, out);
    if (signer.key().isPresent()) {
      CommandAudit.reset(state);
    }
  }
}
