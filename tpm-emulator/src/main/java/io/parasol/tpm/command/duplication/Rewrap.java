package io.parasol.tpm.command.duplication;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.SecretSharing;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.SecretExchange;
import io.parasol.tpm.object.TpmObject;

/**
 * TPM2_Rewrap (Part 3 §13.2): moves a duplication blob from one parent's outer wrapper to another's
 * without looking inside (an inner wrapper stays as it is). {@code TPM_RH_NULL} as the old parent
 * means an unwrapped blob (then {@code inSymSeed} must be empty, and only then), as the new parent
 * that the result is not wrapped.
 */
public final class Rewrap implements Command<Rewrap.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.REWRAP)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** {@code inDuplicate}, the object's {@code name}, {@code inSymSeed}. */
  public record In(byte[] inDuplicate, byte[] name, byte[] inSymSeed) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(ObjectPrivate.MAX_SIZE)),
        in.parameter(2, r -> r.read2B(Tpm2b.NAME)),
        in.parameter(3, r -> r.read2B(Tpm2b.ENCRYPTED_SECRET)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    boolean oldNull = ctx.handle(0) == TpmHandle.RH_NULL;
    if ((in.inSymSeed().length == 0) != oldNull) {
      throw new TpmException(TpmRc.handle(TpmRc.HANDLE, 1));
    }
    byte[] data = in.inDuplicate();
    if (!oldNull) {
      TpmObject oldParent = storage(ctx, 0);
      byte[] seed;
      try {
        seed = SecretExchange.recover(oldParent, SecretSharing.DUPLICATE, in.inSymSeed());
      } catch (TpmException e) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 3));
      }
      try {
        data = DuplicationBlob.unwrapOuter(oldParent, seed, in.name(), data);
      } catch (TpmException e) {
        throw e.atParameter(1);
      }
    }
    byte[] seedOut = new byte[0];
    if (ctx.handle(1) != TpmHandle.RH_NULL) {
      TpmObject newParent = storage(ctx, 1);
      SecretExchange.Secret secret;
      try {
        secret = SecretExchange.create(newParent, SecretSharing.DUPLICATE, ctx.state().random());
      } catch (TpmException e) {
        throw e.rc() == TpmRc.KEY ? e.atHandle(2) : e;
      }
      data = DuplicationBlob.wrapOuter(newParent, secret.seed(), in.name(), data);
      if (data.length > ObjectPrivate.MAX_SIZE) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
      }
      seedOut = secret.encryptedSecret();
    }
    out.write2B(data);
    out.write2B(seedOut);
  }

  private static TpmObject storage(CommandContext ctx, int i) throws TpmException {
    TpmObject o = TpmObject.require(ctx.entity(i), i + 1);
    if (!o.publicArea().isStorage()) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, i + 1));
    }
    return o;
  }
}
