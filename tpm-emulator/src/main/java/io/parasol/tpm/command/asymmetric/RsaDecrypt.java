package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;

/**
 * TPM2_RSA_Decrypt (Part 3 §14.3): decrypts with an unrestricted RSA decryption key; padding errors
 * are {@code TPM_RC_VALUE}.
 */
public final class RsaDecrypt implements Command<RsaDecrypt.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.RSA_DECRYPT)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  /** {@code cipherText}, {@code inScheme}, {@code label}. */
  public record In(byte[] data, TpmtScheme inScheme, byte[] label) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(TpmtPublic.MAX_RSA_KEY_BYTES)),
        in.parameter(2, RsaPadding::readScheme),
        in.parameter(3, r -> r.read2B(Tpm2b.DATA)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = RsaPadding.key(ctx.entity(0), true);
    TpmtScheme scheme = RsaPadding.select(key, in.inScheme());
    RsaPadding.checkLabel(in.label());
    out.write2B(RsaPadding.decrypt(key, scheme, in.label(), in.data()));
  }
}
