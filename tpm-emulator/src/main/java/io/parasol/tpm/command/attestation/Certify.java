package io.parasol.tpm.command.attestation;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;

/**
 * TPM2_Certify (Part 3 §18.2): proves that an object is loaded in this TPM by signing its Name and
 * Qualified Name ({@code TPMS_CERTIFY_INFO}). The object's ADMIN authorisation is required.
 */
public final class Certify implements Command<AttestParameters.Plain> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CERTIFY)
          .handle(HandleType.DH_OBJECT, AuthRole.ADMIN)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
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
    TpmObject object = TpmObject.require(ctx.entity(0), 1);
    AttestationSigner signer = AttestationSigner.of(ctx, 1, in.inScheme(), 2);
    TpmsAttest attest =
        signer.attest(
            ctx.state(),
            in.qualifyingData(),
            new TpmsAttest.CertifyInfo(object.name(), object.qualifiedName()));
    signer.signAndWrite(ctx.state(), attest, out);
  }
}
