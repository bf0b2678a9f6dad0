package io.parasol.tpm.command.asymmetric;

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
import io.parasol.tpm.object.TpmtScheme;

/**
 * TPM2_RSA_Encrypt (Part 3 §14.2): encrypts {@code message} with the public part of an RSA
 * decryption key: OAEP, RSAES-PKCS1-v1_5 or raw RSA (scheme NULL).
 */
public final class RsaEncrypt implements Command<RsaPadding.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.RSA_ENCRYPT)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public RsaPadding.In parse(TpmReader in) throws TpmException {
    return RsaPadding.In.parse(in);
  }

  @Override
  public void execute(CommandContext ctx, RsaPadding.In in, TpmWriter out) throws TpmException {
    TpmObject key = RsaPadding.key(ctx.entity(0), false);
    TpmtScheme scheme = RsaPadding.scheme(key, in);
    out.write2B(RsaPadding.encrypt(key, scheme, in.label(), in.data(), ctx.state().random()));
  }
}
