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
 * TPM2_RSA_Decrypt (Part 3 §14.3): decrypts with an unrestricted RSA decryption key; padding errors
 * are {@code TPM_RC_VALUE}.
 */
public final class RsaDecrypt implements Command<RsaPadding.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.RSA_DECRYPT)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
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
    TpmObject key = RsaPadding.key(ctx.entity(0), true);
    TpmtScheme scheme = RsaPadding.scheme(key, in);
    out.write2B(RsaPadding.decrypt(key, scheme, in.label(), in.data()));
  }
}
