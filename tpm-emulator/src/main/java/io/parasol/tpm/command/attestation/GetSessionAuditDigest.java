package io.parasol.tpm.command.attestation;

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
 * TPM2_GetSessionAuditDigest (Part 3 §18.5): with the privacy administrator's authorisation, signs
 * the audit digest of an HMAC session that has been used for audit ({@code TPM_RC_TYPE} if it has
 * not).
 *
 * <p>DEVNOTE: exclusive audit ({@code TPMA_SESSION.auditExclusive}) is not tracked; {@code
 * exclusiveSession} is always NO.
 */
public final class GetSessionAuditDigest implements Command<AttestParameters.Plain> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.GET_SESSION_AUDIT_DIGEST)
          .handle(HandleType.RH_ENDORSEMENT, AuthRole.USER)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
          .handle(HandleType.SH_HMAC, AuthRole.NONE)
          .decrypt()
          .encrypt()
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
    AuthSession session =
        ctx.state()
            .sessions()
            .loaded(ctx.handle(2))
            .orElseThrow(() -> new TpmException(TpmRc.handle(TpmRc.HANDLE, 3)));
    if (!session.isAudit) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 3));
    }
    TpmsAttest attest =
        signer.attest(
            ctx.state(),
            in.qualifyingData(),
            new TpmsAttest.SessionAuditInfo(false, session.auditDigest));
    signer.signAndWrite(ctx.state(), attest, out);
  }
}
