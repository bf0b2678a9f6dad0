package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.TpmObject;
import java.util.Arrays;

/**
 * TPM2_ObjectChangeAuth (Part 3 §12.7): a new private area for a loaded object with a new
 * authValue, wrapped under its parent. The loaded object keeps its old authValue. The parent must
 * be the object's parent (its Qualified Name leads to the object's; {@code TPM_RC_TYPE} on handle
 * 2).
 */
public final class ObjectChangeAuth implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.OBJECT_CHANGE_AUTH)
          .handle(HandleType.DH_OBJECT, AuthRole.ADMIN)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.AUTH));
  }

  @Override
  public void execute(CommandContext ctx, byte[] newAuth, TpmWriter out) throws TpmException {
    TpmObject object = TpmObject.require(ctx.entity(0), 1);
    if (object.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
    }
    TpmObject parent = ParentObject.of(ctx.entity(1), 2);
    byte[] expectedQn = TpmObject.qualifiedName(parent.qualifiedName(), object.publicArea());
    if (!Arrays.equals(expectedQn, object.qualifiedName())) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 2));
    }
    if (Entity.trimTrailingZeros(newAuth).length > object.nameHash().digestSize()) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    out.write2B(
        ObjectPrivate.wrap(
            parent,
            object.name(),
            object.sensitive().withAuthValue(newAuth),
            ctx.state().random()));
  }
}
