package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.object.Create;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.CreationData;
import io.parasol.tpm.object.ObjectGenerator;
import io.parasol.tpm.object.ObjectTemplateCheck;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;

/**
 * TPM2_CreatePrimary (Part 3 §24.1): creates a primary object under a hierarchy's primary seed and
 * loads it. The key is derived from the seed, the Name of the template and the sensitive data
 * ({@link ObjectGenerator#primaryRandom}), so the same template gives the same key until the seed
 * changes (TPM2_Clear, TPM2_ChangePPS/EPS, or a TPM Reset for the null hierarchy).
 */
public final class CreatePrimary implements Command<Create.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CREATE_PRIMARY)
          .handle(HandleType.RH_HIERARCHY_OR_NULL, AuthRole.USER)
          .responseHandle()
          .decrypt()
          .encrypt()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Create.In parse(TpmReader in) throws TpmException {
    return Create.In.read(in);
  }

  @Override
  public void execute(CommandContext ctx, Create.In in, TpmWriter out) throws TpmException {
    int hierarchyHandle = ctx.handle(0);
    Hierarchy hierarchy = Hierarchy.of(hierarchyHandle).orElseThrow();
    TpmtPublic template = in.inPublic();
    try {
      ObjectTemplateCheck.check(template, null, false);
    } catch (TpmException e) {
      throw e.atParameter(2);
    }
    ObjectTemplateCheck.checkSensitiveCreate(template, in.inSensitive(), 1, 2);
    int handle = ctx.state().allocateTransientHandle();
    ObjectGenerator.Generated g =
        ObjectGenerator.generatePrimary(ctx.state(), hierarchy, template, in.inSensitive());
    TpmtPublic pub = g.publicArea();
    TpmObject object =
        new TpmObject(
            handle,
            pub,
            g.sensitive(),
            TpmObject.qualifiedName(Entity.handleName(hierarchyHandle), pub),
            hierarchyHandle,
            false);
    CreationData creation;
    try {
      creation =
          CreationData.of(
              ctx.state(),
              object.nameHash(),
              in.creationPcr(),
              ctx.locality(),
              null,
              hierarchyHandle,
              in.outsideInfo());
    } catch (TpmException e) {
      throw e.atParameter(4);
    }
    ctx.state().transientObjects().put(handle, object);
    ctx.setResponseHandle(handle);
    pub.write2B(out);
    creation.write2B(out);
    out.write2B(creation.creationHash());
    CreationData.writeTicket(
        out,
        ctx.state(),
        hierarchyHandle,
        object.nameHash(),
        object.name(),
        creation.creationHash());
    out.write2B(object.name());
  }
}
