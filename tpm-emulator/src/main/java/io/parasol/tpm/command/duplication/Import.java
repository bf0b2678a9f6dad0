package io.parasol.tpm.command.duplication;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
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
import io.parasol.tpm.object.ObjectTemplateCheck;
import io.parasol.tpm.object.SecretExchange;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtSensitive;
import io.parasol.tpm.object.TpmtSymDefObject;

/**
 * TPM2_Import (Part 3 §13.3): the inverse of TPM2_Duplicate. Recovers the seed from {@code
 * inSymSeed} with the parent's private key, removes the outer wrapper (under the parent's name
 * algorithm and symmetric key size) and the inner one (under {@code encryptionKey}), checks the
 * object as TPM2_Load would, and returns its private area wrapped under the parent ({@code
 * TPM2B_PRIVATE}) for TPM2_Load. A {@code fixedTPM} or {@code fixedParent} object is refused; an
 * {@code encryptedDuplication} object must come with both wrappers.
 */
public final class Import implements Command<Import.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.IMPORT)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  /**
   * {@code encryptionKey}, {@code objectPublic}, {@code duplicate}, {@code inSymSeed}, {@code
   * symmetricAlg}.
   */
  public record In(
      byte[] encryptionKey,
      TpmtPublic objectPublic,
      byte[] duplicate,
      byte[] inSymSeed,
      TpmtSymDefObject symmetricAlg) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.DATA)),
        in.parameter(2, r -> TpmtPublic.read2B(r, false)),
        in.parameter(3, r -> r.read2B(ObjectPrivate.MAX_SIZE)),
        in.parameter(4, r -> r.read2B(Tpm2b.ENCRYPTED_SECRET)),
        in.parameter(5, r -> TpmtSymDefObject.read(r, true)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmtPublic pub = in.objectPublic();
    if (pub.has(TpmaObject.FIXED_TPM) || pub.has(TpmaObject.FIXED_PARENT)) {
      throw new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, 2));
    }
    TpmObject parent = TpmObject.require(ctx.entity(0), 1);
    if (!parent.isParent()) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
    }
    TpmtSymDefObject sym = in.symmetricAlg();
    boolean encryptedDuplication = pub.has(TpmaObject.ENCRYPTED_DUPLICATION);
    DuplicationBlob.checkInnerAlgorithm(sym, 5);
    if (!sym.isNull()) {
      if (in.encryptionKey().length != sym.keyBits() / 8) {
        throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
      }
    } else {
      if (in.encryptionKey().length != 0) {
        throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
      }
      if (encryptedDuplication) {
        throw new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, 1));
      }
    }
    byte[] seed = null;
    if (in.inSymSeed().length != 0) {
      if (parent.publicArea().type() == TpmAlgId.SYMCIPHER) {
        throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
      }
      try {
        seed = SecretExchange.recover(parent, SecretSharing.DUPLICATE, in.inSymSeed());
      } catch (TpmException e) {
        throw e.atParameter(4);
      }
    } else if (encryptedDuplication) {
      throw new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, 4));
    }

    byte[] name = pub.name();
    TpmtSensitive sensitive;
    try {
      byte[] data = in.duplicate();
      if (seed != null) {
        data = DuplicationBlob.unwrapOuter(parent, seed, name, data);
      }
      if (!sym.isNull()) {
        data =
            DuplicationBlob.unwrapInner(
                pub.nameHash().orElseThrow(), in.encryptionKey(), name, data);
      }
      sensitive = TpmtSensitive.parse2B(data);
    } catch (TpmException e) {
      throw e.atParameter(3);
    }
    // Checked as TPM2_Load will check it, so that a bad object is refused now.
    try {
      ObjectTemplateCheck.check(pub, parent, true);
    } catch (TpmException e) {
      throw e.atParameter(2);
    }
    TpmObject imported =
        new TpmObject(
            0, pub, sensitive, TpmObject.qualifiedName(parent.qualifiedName(), pub), 0, false);
    try {
      imported.checkBinding();
    } catch (TpmException e) {
      throw e.atParameter(3);
    }
    out.write2B(ObjectPrivate.wrap(parent, name, sensitive, ctx.state().random()));
  }
}
