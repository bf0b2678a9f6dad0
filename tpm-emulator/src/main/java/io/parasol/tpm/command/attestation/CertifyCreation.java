package io.parasol.tpm.command.attestation;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.CreationData;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtScheme;
import java.security.MessageDigest;

/**
 * TPM2_CertifyCreation (Part 3 §18.3): proves that this TPM created an object with the given
 * creation data. The creation ticket returned at creation must match the object's Name and {@code
 * creationHash} ({@code TPM_RC_TICKET}); then both are signed ({@code TPMS_CREATION_INFO}).
 */
public final class CertifyCreation implements Command<CertifyCreation.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CERTIFY_CREATION)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** {@code qualifyingData}, {@code creationHash}, {@code inScheme}, {@code creationTicket}. */
  public record In(
      byte[] qualifyingData,
      byte[] creationHash,
      TpmtScheme inScheme,
      int ticketHierarchy,
      byte[] ticketDigest) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] qualifying = AttestParameters.qualifyingData(in, 1);
    byte[] creationHash = in.parameter(2, r -> r.read2B(Tpm2b.DIGEST));
    TpmtScheme scheme = AttestParameters.inScheme(in, 3);
    return in.parameter(
        4,
        r -> {
          if (r.readU16() != TpmSt.CREATION) {
            throw new TpmException(TpmRc.TAG);
          }
          int hierarchy = HandleType.RH_HIERARCHY_OR_NULL.read(r);
          return new In(qualifying, creationHash, scheme, hierarchy, r.read2B(Tpm2b.DIGEST));
        });
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AttestationSigner signer = AttestationSigner.of(ctx, 0, in.inScheme(), 3);
    TpmObject object = TpmObject.require(ctx.entity(1), 2);
    byte[] expected =
        CreationData.ticketDigest(
            ctx.state(), in.ticketHierarchy(), object.nameHash(), object.name(), in.creationHash());
    if (!MessageDigest.isEqual(expected, in.ticketDigest())) {
      throw new TpmException(TpmRc.parameter(TpmRc.TICKET, 4));
    }
    TpmsAttest attest =
        signer.attest(
            ctx.state(),
            in.qualifyingData(),
            new TpmsAttest.CreationInfo(object.name(), in.creationHash()));
    signer.signAndWrite(ctx.state(), attest, out);
  }
}
