package io.parasol.tpm.command.attestation;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.clocks.ReadClock;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_GetTime (Part 3 §18.7): with the privacy administrator's (endorsement) authorisation, signs
 * the current time, clock and firmware version in plain text ({@code TPMS_TIME_ATTEST_INFO}).
 */
public final class GetTime implements Command<AttestParameters.Plain> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.GET_TIME)
          .handle(HandleType.RH_ENDORSEMENT, AuthRole.USER)
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
    AttestationSigner signer = AttestationSigner.of(ctx, 1, in.inScheme(), 2);
    TpmsAttest attest =
        signer.attest(
            ctx.state(),
            in.qualifyingData(),
            new TpmsAttest.TimeAttestInfo(
                ReadClock.timeInfo(ctx.state()), AttestationSigner.FIRMWARE_VERSION));
    signer.signAndWrite(ctx.state(), attest, out);
  }
}
