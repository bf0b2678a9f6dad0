package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
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

/**
 * TPM2_ReadPublic (Part 3 §12.4): the public area, Name and Qualified Name of a loaded object. No
 * authorisation; a sequence object is {@code TPM_RC_SEQUENCE}.
 */
public final class ReadPublic implements Command<Void> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.READ_PUBLIC)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .encrypt()
          .build();

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
    if (!(ctx.entity(0) instanceof TpmObject o)) {
      throw new TpmException(TpmRc.SEQUENCE);
    }
    o.publicArea().write2B(out);
    out.write2B(o.name());
    out.write2B(o.qualifiedName());
  }
}
