package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.ProtectedStorage;
import io.parasol.tpm.crypto.SecretSharing;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.SecretExchange;
import io.parasol.tpm.object.TpmObject;

/**
 * TPM2_MakeCredential (Part 3 §12.6, Part 1 §24): protects {@code credential} for the object named
 * {@code objectName} under a storage key (usually an EK loaded public-only): a seed shared with the
 * key (label "IDENTITY") and the credential in an outer wrap keyed by the seed and the Name.
 */
public final class MakeCredential implements Command<MakeCredential.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.MAKE_CREDENTIAL)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** {@code credential} and {@code objectName}. */
  public record In(byte[] credential, byte[] objectName) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.DIGEST)), in.parameter(2, r -> r.read2B(Tpm2b.NAME)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = CredentialProtection.key(ctx.entity(0), 1, false);
    if (in.credential().length > key.nameHash().digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    SecretExchange.Secret secret =
        SecretExchange.create(key, SecretSharing.IDENTITY, ctx.state().random());
    byte[] plain = new TpmWriter().write2B(in.credential()).toByteArray();
    out.write2B(
        ProtectedStorage.wrapOuter(
            key.nameHash(),
            CredentialProtection.aesBits(key),
            secret.seed(),
            in.objectName(),
            plain));
    out.write2B(secret.encryptedSecret());
  }
}
