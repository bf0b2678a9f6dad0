package io.parasol.tpm.command.signing;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.Hmac;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectSigner;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtSignature;

/**
 * TPM2_VerifySignature (Part 3 §20.1): checks a signature with a loaded key (public-only is enough)
 * and returns a {@code TPMT_TK_VERIFIED}: {@code HMAC_nameAlg(proof(hierarchy), TPM_ST_VERIFIED ||
 * digest || keyName)}, the NULL ticket for a key of the null hierarchy. A signature that does not
 * verify is {@code TPM_RC_SIGNATURE + P + 2}.
 */
public final class VerifySignature implements Command<VerifySignature.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.VERIFY_SIGNATURE)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .decrypt()
          .build();

  /** {@code digest} and {@code signature}. */
  public record In(byte[] digest, TpmtSignature signature) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.DIGEST)), in.parameter(2, TpmtSignature::read));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    try {
      ObjectSigner.verify(key, in.digest(), in.signature());
    } catch (TpmException e) {
      throw e.rc() == TpmRc.KEY ? e.atHandle(1) : e.atParameter(2);
    }
    int hierarchy = key.hierarchy();
    out.writeU16(TpmSt.VERIFIED).writeU32(hierarchy);
    if (hierarchy == TpmHandle.RH_NULL) {
      out.write2B(new byte[0]);
    } else {
      out.write2B(
          Hmac.compute(
              key.nameHash(),
              ctx.state().proof(Hierarchy.of(hierarchy).orElseThrow()),
              new byte[] {(byte) (TpmSt.VERIFIED >>> 8), (byte) TpmSt.VERIFIED},
              in.digest(),
              key.name()));
    }
  }
}
