package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.ObjectTemplateCheck;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtSensitive;

/**
 * TPM2_Load (Part 3 §12.2): loads an object created under a storage key. The public area is checked
 * as at creation, the private area's integrity under the parent ({@code TPM_RC_INTEGRITY}), and the
 * two areas against each other ({@code TPM_RC_BINDING}).
 */
public final class Load implements Command<Load.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.LOAD)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .responseHandle()
          .decrypt()
          .encrypt()
          .build();

  /** {@code inPrivate} and {@code inPublic}. */
  public record In(byte[] inPrivate, TpmtPublic inPublic) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(ObjectPrivate.MAX_SIZE)),
        in.parameter(2, r -> TpmtPublic.read2B(r, false)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject parent = ParentObject.of(ctx.entity(0), 1);
    int handle = ctx.state().allocateTransientHandle();
    TpmObject object = loadChild(parent, in.inPrivate(), in.inPublic(), handle, 1, 2);
    ctx.state().transientObjects().put(handle, object);
    ctx.setResponseHandle(handle);
    out.write2B(object.name());
  }

  /** Checks and unwraps a child of {@code parent} (TPM2_Load, TPM2_ContextLoad of none). */
  static TpmObject loadChild(
      TpmObject parent,
      byte[] inPrivate,
      TpmtPublic pub,
      int handle,
      int privateParam,
      int publicParam)
      throws TpmException {
    try {
      ObjectTemplateCheck.check(pub, parent, true);
    } catch (TpmException e) {
      throw e.atParameter(publicParam);
    }
    byte[] name = pub.name();
    TpmtSensitive sensitive;
    try {
      sensitive = ObjectPrivate.unwrap(parent, name, inPrivate);
    } catch (TpmException e) {
      throw e.atParameter(privateParam);
    }
    TpmObject object =
        new TpmObject(
            handle,
            pub,
            sensitive,
            TpmObject.qualifiedName(parent.qualifiedName(), pub),
            parent.hierarchy(),
            false);
    try {
      object.checkBinding();
    } catch (TpmException e) {
      throw e.atParameter(publicParam);
    }
    return object;
  }
}
