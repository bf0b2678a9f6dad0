package io.parasol.tpm.command.attestation;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.object.CreationData;
import io.parasol.tpm.object.TpmtScheme;

/**
 * TPM2_Quote (Part 3 §18.4): signs the digest of the selected PCRs ({@code TPMS_QUOTE_INFO}), taken
 * with the signing scheme's hash in the order of Part 1 §17.6.6. Without a key ({@code
 * TPM_RH_NULL}) the digest is empty and the signature NULL.
 */
public final class Quote implements Command<Quote.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.QUOTE)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  /** {@code qualifyingData}, {@code inScheme}, {@code PCRselect}. */
  public record In(byte[] qualifyingData, TpmtScheme inScheme, TpmlPcrSelection pcrSelect) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        AttestParameters.qualifyingData(in, 1),
        AttestParameters.inScheme(in, 2),
        in.parameter(3, TpmlPcrSelection::read));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AttestationSigner signer = AttestationSigner.of(ctx, 0, in.inScheme(), 2);
    HashAlgorithm hash = signer.hash().orElse(null);
    byte[] pcrDigest;
    try {
      pcrDigest =
          hash == null ? new byte[0] : CreationData.pcrDigest(ctx.state(), hash, in.pcrSelect());
    } catch (TpmException e) {
      throw e.atParameter(3);
    }
    TpmsAttest attest =
        signer.attest(
            ctx.state(), in.qualifyingData(), new TpmsAttest.QuoteInfo(in.pcrSelect(), pcrDigest));
    signer.signAndWrite(ctx.state(), attest, out);
  }
}
