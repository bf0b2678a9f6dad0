package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.Ecc;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.CryptoRc;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;

/**
 * TPM2_ECDH_KeyGen (Part 3 §14.4): an ephemeral key pair on the curve of an ECC key, and the ECDH
 * product {@code zPoint} of its private part with the key's public point; the caller sends {@code
 * pubPoint} to the key's owner, who recovers Z with TPM2_ECDH_ZGen.
 */
public final class EcdhKeyGen implements Command<Void> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.ECDH_KEY_GEN)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .encrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Void parse(TpmReader in) {
    return null;
  }

  @Override
  public void execute(CommandContext ctx, Void in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    if (key.publicArea().type() != TpmAlgId.ECC) {
      throw new TpmException(TpmRc.handle(TpmRc.KEY, 1));
    }
    if (!key.publicArea().has(TpmaObject.DECRYPT)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    Ecc.Ephemeral e;
    try {
      e = Ecc.ephemeral(key.eccPublicPoint(), ctx.state().random());
    } catch (TpmCryptoException ex) {
      throw CryptoRc.exception(ex);
    }
    EccPoints.write2B(out, e.sharedPoint());
    EccPoints.write2B(out, e.publicPoint());
  }
}
