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
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.CryptoRc;
import io.parasol.tpm.object.SecretExchange;
import io.parasol.tpm.object.TpmObject;

/**
 * TPM2_ActivateCredential (Part 3 §12.5, Part 1 §24): recovers a credential made by
 * TPM2_MakeCredential for the Name of {@code activateHandle} (authorised in the ADMIN role) with
 * the private part of the storage key {@code keyHandle}. A wrong key, Name or blob is {@code
 * TPM_RC_INTEGRITY + P + 1}; a secret that does not decrypt {@code TPM_RC_VALUE + P + 2}.
 */
public final class ActivateCredential implements Command<ActivateCredential.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.ACTIVATE_CREDENTIAL)
          .handle(HandleType.DH_OBJECT, AuthRole.ADMIN)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  /** {@code credentialBlob} and {@code secret}. */
  public record In(byte[] credentialBlob, byte[] secret) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(CredentialProtection.MAX_ID_OBJECT)),
        in.parameter(2, r -> r.read2B(Tpm2b.ENCRYPTED_SECRET)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject activate = TpmObject.require(ctx.entity(0), 1);
    TpmObject key = CredentialProtection.key(ctx.entity(1), 2, true);
    byte[] seed;
    try {
      seed = SecretExchange.recover(key, SecretSharing.IDENTITY, in.secret());
    } catch (TpmException e) {
      throw e.atParameter(2);
    }
    byte[] plain;
    try {
      plain =
          ProtectedStorage.unwrapOuter(
              key.nameHash(),
              CredentialProtection.aesBits(key),
              seed,
              activate.name(),
              in.credentialBlob());
    } catch (TpmCryptoException e) {
      throw CryptoRc.exception(e).atParameter(1);
    }
    TpmReader r = new TpmReader(plain);
    byte[] credential;
    try {
      credential = r.read2B(key.nameHash().digestSize());
    } catch (TpmException e) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    if (!r.atEnd()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    out.write2B(credential);
  }
}
