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
import io.parasol.tpm.object.SecretExchange;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtSymDefObject;

/**
 * TPM2_Duplicate (Part 3 §13.1): exports a loaded object that is not {@code fixedParent} for a new
 * parent (or, with {@code TPM_RH_NULL}, in the clear). The object's authorisation is the DUP role,
 * so only a policy session whose policy includes TPM2_PolicyCommandCode(TPM2_Duplicate) or
 * TPM2_PolicyDuplicationSelect can authorise it. With {@code symmetricAlg} an inner wrapper is
 * applied, under {@code encryptionKeyIn} or a key the TPM makes and returns; an object with {@code
 * encryptedDuplication} needs both wrappers.
 */
public final class Duplicate implements Command<Duplicate.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.DUPLICATE)
          .handle(HandleType.DH_OBJECT, AuthRole.DUP)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** {@code encryptionKeyIn} and {@code symmetricAlg} (TPMT_SYM_DEF_OBJECT+). */
  public record In(byte[] encryptionKeyIn, TpmtSymDefObject symmetricAlg) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.DATA)),
        in.parameter(2, r -> TpmtSymDefObject.read(r, true)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject object = TpmObject.require(ctx.entity(0), 1);
    if (object.publicArea().has(TpmaObject.FIXED_PARENT)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    if (object.publicArea().nameHash().isEmpty() || object.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
    }
    TpmObject newParent = null;
    if (ctx.handle(1) != TpmHandle.RH_NULL) {
      newParent = TpmObject.require(ctx.entity(1), 2);
      if (!newParent.publicArea().isStorage()) {
        throw new TpmException(TpmRc.handle(TpmRc.TYPE, 2));
      }
    }
    TpmtSymDefObject sym = in.symmetricAlg();
    if (object.publicArea().has(TpmaObject.ENCRYPTED_DUPLICATION)) {
      if (sym.isNull()) {
        throw new TpmException(TpmRc.parameter(TpmRc.SYMMETRIC, 2));
      }
      if (newParent == null) {
        throw new TpmException(TpmRc.handle(TpmRc.HIERARCHY, 2));
      }
    }
    DuplicationBlob.checkInnerAlgorithm(sym, 2);
    byte[] keyIn = in.encryptionKeyIn();
    if (sym.isNull() ? keyIn.length != 0 : keyIn.length != 0 && keyIn.length != sym.keyBits() / 8) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }

    SecretExchange.Secret secret = null;
    if (newParent != null) {
      try {
        secret = SecretExchange.create(newParent, SecretSharing.DUPLICATE, ctx.state().random());
      } catch (TpmException e) {
        throw e.rc() == TpmRc.KEY ? e.atHandle(2) : e;
      }
    }
    byte[] name = object.name();
    byte[] data = object.sensitive().marshal2B();
    byte[] keyOut = new byte[0];
    if (!sym.isNull()) {
      byte[] key = keyIn;
      if (key.length == 0) {
        key = ctx.state().randomBytes(sym.keyBits() / 8);
        keyOut = key;
      }
      data = DuplicationBlob.wrapInner(object.nameHash(), key, name, data);
    }
    if (newParent != null) {
      data = DuplicationBlob.wrapOuter(newParent, secret.seed(), name, data);
    }
    out.write2B(keyOut);
    out.write2B(data);
    out.write2B(secret == null ? new byte[0] : secret.encryptedSecret());
  }
}
