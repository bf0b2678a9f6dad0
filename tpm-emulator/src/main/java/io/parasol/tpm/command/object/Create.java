package io.parasol.tpm.command.object;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.object.CreationData;
import io.parasol.tpm.object.ObjectGenerator;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.ObjectTemplateCheck;
import io.parasol.tpm.object.SensitiveCreate;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmtPublic;

/**
 * TPM2_Create (Part 3 §12.1): creates an ordinary object under a loaded storage key and returns its
 * public area and its private area wrapped under the parent ({@link ObjectPrivate}); the object is
 * not loaded. A sealed data object is a keyed-hash object created with data.
 */
public final class Create implements Command<Create.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CREATE)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  /**
   * The parameters of Part 3 Table 19, which TPM2_CreatePrimary shares (Table 202): {@code
   * inSensitive}, {@code inPublic}, {@code outsideInfo}, {@code creationPCR}.
   */
  public record In(
      SensitiveCreate inSensitive,
      TpmtPublic inPublic,
      byte[] outsideInfo,
      TpmlPcrSelection creationPcr) {

    /** Reads the four parameters. */
    public static In read(TpmReader in) throws TpmException {
      return new In(
          in.parameter(1, SensitiveCreate::read2B),
          in.parameter(2, r -> TpmtPublic.read2B(r, false)),
          in.parameter(3, r -> r.read2B(Tpm2b.DATA)),
          in.parameter(4, TpmlPcrSelection::read));
    }
  }

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return In.read(in);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject parent = ParentObject.of(ctx.entity(0), 1);
    ObjectGenerator.Generated g = createChild(ctx, parent, in.inSensitive(), in.inPublic(), 1, 2);
    TpmtPublic pub = g.publicArea();
    byte[] name = pub.name();
    CreationData creation;
    try {
      creation =
          CreationData.of(
              ctx.state(),
              pub.nameHash().orElseThrow(),
              in.creationPcr(),
              ctx.locality(),
              parent,
              parent.handle(),
              in.outsideInfo());
    } catch (TpmException e) {
      throw e.atParameter(4);
    }
    out.write2B(ObjectPrivate.wrap(parent, name, g.sensitive(), ctx.state().random()));
    pub.write2B(out);
    creation.write2B(out);
    out.write2B(creation.creationHash());
    CreationData.writeTicket(
        out,
        ctx.state(),
        parent.hierarchy(),
        pub.nameHash().orElseThrow(),
        name,
        creation.creationHash());
  }

  /** The checks and generation shared by TPM2_Create and TPM2_CreateLoaded. */
  static ObjectGenerator.Generated createChild(
      CommandContext ctx,
      TpmObject parent,
      SensitiveCreate sensitive,
      TpmtPublic template,
      int sensitiveParam,
      int publicParam)
      throws TpmException {
    try {
      ObjectTemplateCheck.check(template, parent, false);
    } catch (TpmException e) {
      throw e.atParameter(publicParam);
    }
    ObjectTemplateCheck.checkSensitiveCreate(template, sensitive, sensitiveParam, publicParam);
    return ObjectGenerator.generate(template, sensitive, ctx.state().random());
  }
}
