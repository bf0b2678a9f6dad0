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
 * TPM2_EncryptDecrypt2 (Part 3 §15.3): TPM2_EncryptDecrypt with {@code inData} first, so a session
 * can encrypt it.
 */
public final class EncryptDecrypt2 implements Command<EncryptDecrypt.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.ENCRYPT_DECRYPT2)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public EncryptDecrypt.In parse(TpmReader in) throws TpmException {
    byte[] data = in.parameter(1, r -> r.read2B(Tpm2b.MAX_BUFFER));
    boolean decrypt = in.parameter(2, TpmReader::readYesNo);
    int mode = in.parameter(3, SymmetricKeyUse::readMode);
    byte[] iv = in.parameter(4, r -> r.read2B(Tpm2b.IV));
    return new EncryptDecrypt.In(decrypt, mode, iv, data);
  }

  @Override
  public void execute(CommandContext ctx, EncryptDecrypt.In in, TpmWriter out) throws TpmException {
    SymmetricKeyUse.encryptDecrypt(
        ctx.entity(0), in.decrypt(), in.mode(), in.ivIn(), in.inData(), 3, 4, 1, out);
  }
}
