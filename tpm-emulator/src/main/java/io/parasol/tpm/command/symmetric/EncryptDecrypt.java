package io.parasol.tpm.command.symmetric;

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

/**
 * TPM2_EncryptDecrypt (Part 3 §15.2): AES with a symmetric cipher object in the key's mode (or
 * {@code mode} if the key's is NULL); {@code ivOut} chains to the next call.
 */
public final class EncryptDecrypt implements Command<EncryptDecrypt.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.ENCRYPT_DECRYPT)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .encrypt()
          .build();

  /** {@code decrypt}, {@code mode}, {@code ivIn}, {@code inData}. */
  public record In(boolean decrypt, int mode, byte[] ivIn, byte[] inData) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, TpmReader::readYesNo),
        in.parameter(2, SymmetricKeyUse::readMode),
        in.parameter(3, r -> r.read2B(Tpm2b.IV)),
        in.parameter(4, r -> r.read2B(Tpm2b.MAX_BUFFER)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    SymmetricKeyUse.encryptDecrypt(
        ctx.entity(0), in.decrypt(), in.mode(), in.ivIn(), in.inData(), 2, 3, 4, out);
  }
}
