package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectGenerator;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.ObjectTemplateCheck;
import io.parasol.tpm.object.SensitiveCreate;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;

/**
 * TPM2_CreateLoaded (Part 3 §12.9): creates an object and loads it in one command. Under a
 * hierarchy it creates a primary object (no private area is returned), under a storage key an
 * ordinary object. Derivation parents (keyed-hash storage keys, Part 1 §27.8) are not implemented:
 * such a parent is {@code TPM_RC_TYPE}.
 */
public final class CreateLoaded implements Command<CreateLoaded.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CREATE_LOADED)
          .handle(HandleType.DH_PARENT, AuthRole.USER)
          .responseHandle()
          .decrypt()
          .encrypt()
          .build();

  /** {@code inSensitive} and {@code inPublic} (a {@code TPM2B_TEMPLATE}). */
  public record In(SensitiveCreate inSensitive, TpmtPublic inPublic) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, SensitiveCreate::read2B),
        in.parameter(2, r -> TpmtPublic.read2B(r, false)));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    int parentHandle = ctx.handle(0);
    TpmObject object;
    byte[] outPrivate = new byte[0];
    if (TpmHandle.isPermanent(parentHandle)) {
      try {
        ObjectTemplateCheck.check(in.inPublic(), null, false);
      } catch (TpmException e) {
        throw e.atParameter(2);
      }
      ObjectTemplateCheck.checkSensitiveCreate(in.inPublic(), in.inSensitive(), 1, 2);
      int handle = ctx.state().allocateTransientHandle();
      Hierarchy h = Hierarchy.of(parentHandle).orElseThrow();
      ObjectGenerator.Generated g =
          ObjectGenerator.generatePrimary(ctx.state(), h, in.inPublic(), in.inSensitive());
      object =
          new TpmObject(
              handle,
              g.publicArea(),
              g.sensitive(),
              TpmObject.qualifiedName(Entity.handleName(parentHandle), g.publicArea()),
              parentHandle,
              false);
    } else {
      TpmObject parent = ParentObject.of(ctx.entity(0), 1);
      int handle = ctx.state().allocateTransientHandle();
      ObjectGenerator.Generated g =
          Create.createChild(ctx, parent, in.inSensitive(), in.inPublic(), 1, 2);
      object =
          new TpmObject(
              handle,
              g.publicArea(),
              g.sensitive(),
              TpmObject.qualifiedName(parent.qualifiedName(), g.publicArea()),
              parent.hierarchy(),
              false);
      outPrivate = ObjectPrivate.wrap(parent, object.name(), g.sensitive(), ctx.state().random());
    }
    ctx.state().transientObjects().put(object.handle(), object);
    ctx.setResponseHandle(object.handle());
    out.write2B(outPrivate);
    object.publicArea().write2B(out);
    out.write2B(object.name());
  }
}
