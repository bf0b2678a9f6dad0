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
import io.parasol.tpm.crypto.EccPoint;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.CryptoRc;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;

/**
 * TPM2_ECDH_ZGen (Part 3 §14.5): {@code d·inPoint} with the private key of an unrestricted ECC
 * decryption key. A point not on the key's curve is {@code TPM_RC_ECC_POINT + P + 1}.
 */
public final class EcdhZGen implements Command<byte[][]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.ECDH_ZGEN)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public byte[][] parse(TpmReader in) throws TpmException {
    return in.parameter(1, EccPoints::read2B);
  }

  @Override
  public void execute(CommandContext ctx, byte[][] in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    if (key.publicArea().type() != TpmAlgId.ECC || key.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.KEY, 1));
    }
    if (!key.publicArea().has(TpmaObject.DECRYPT) || key.publicArea().has(TpmaObject.RESTRICTED)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    EccPoint point;
    try {
      point = Ecc.validate(key.eccKeyPair().curve(), in[0], in[1]);
    } catch (TpmCryptoException e) {
      throw new TpmException(TpmRc.parameter(TpmRc.ECC_POINT, 1));
    }
    try {
      EccPoints.write2B(out, Ecc.multiply(key.eccKeyPair().privateScalar(), point));
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e).atParameter(1);
    }
  }
}
