package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;

/**
 * TPM2_Unseal (Part 3 §12.8): the data of a sealed data object — a keyed-hash object that is
 * neither sign, decrypt nor restricted ({@code TPM_RC_ATTRIBUTES}; another type is {@code
 * TPM_RC_TYPE}).
 */
public final class Unseal implements Command<Void> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.UNSEAL).handle(HandleType.DH_OBJECT, AuthRole.USER).encrypt().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Void parse(TpmReader in) {
    return null;
  }

  @Override
  public void execute(CommandContext ctx, Void in, TpmWriter out) throws TpmException {
    TpmObject o = TpmObject.require(ctx.entity(0), 1);
    if (o.publicArea().type() != TpmAlgId.KEYEDHASH || o.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.TYPE, 1));
    }
    if (o.publicArea().has(TpmaObject.SIGN_ENCRYPT)
        || o.publicArea().has(TpmaObject.DECRYPT)
        || o.publicArea().has(TpmaObject.RESTRICTED)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    out.write2B(o.sensitive().sensitive());
  }
}
