package io.parasol.tpm.command.object;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectTemplateCheck;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtSensitive;

/**
 * TPM2_LoadExternal (Part 3 §12.3): loads a public area, or a public and sensitive area in clear,
 * that the TPM did not create. With a sensitive area the object must be in the null hierarchy
 * ({@code TPM_RC_HIERARCHY}) and may not be fixedTPM, fixedParent or restricted ({@code
 * TPM_RC_ATTRIBUTES}). An external object is never a parent.
 */
public final class LoadExternal implements Command<LoadExternal.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.LOAD_EXTERNAL).responseHandle().decrypt().encrypt().build();

  /** {@code inPrivate} (null if empty), {@code inPublic}, {@code hierarchy}. */
  public record In(TpmtSensitive inPrivate, TpmtPublic inPublic, int hierarchy) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    TpmtSensitive sensitive =
        in.parameter(
            1,
            r -> {
              int size = r.readU16();
              if (size == 0) {
                return null;
              }
              TpmReader sub = r.slice(size);
              TpmtSensitive s = TpmtSensitive.read(sub);
              if (!sub.atEnd()) {
                throw new TpmException(TpmRc.SIZE);
              }
              return s;
            });
    TpmtPublic pub = in.parameter(2, r -> TpmtPublic.read2B(r, true));
    int hierarchy = in.parameter(3, HandleType.RH_HIERARCHY_OR_NULL::read);
    return new In(sensitive, pub, hierarchy);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmtPublic pub = in.inPublic();
    Hierarchy h = Hierarchy.of(in.hierarchy()).orElseThrow();
    if (!ctx.state().isEnabled(h)) {
      throw new TpmException(TpmRc.parameter(TpmRc.HIERARCHY, 3));
    }
    if (in.inPrivate() != null) {
      if (in.hierarchy() != TpmHandle.RH_NULL) {
        throw new TpmException(TpmRc.parameter(TpmRc.HIERARCHY, 3));
      }
      if (pub.has(TpmaObject.FIXED_TPM)
          || pub.has(TpmaObject.FIXED_PARENT)
          || pub.has(TpmaObject.RESTRICTED)) {
        throw new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, 2));
      }
      if (pub.nameHash().isEmpty()) {
        throw new TpmException(TpmRc.parameter(TpmRc.HASH, 2));
      }
    }
    byte[] policy = pub.authPolicy();
    if (policy.length != 0
        && pub.nameHash().map(x -> x.digestSize() != policy.length).orElse(true)) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 2));
    }
    try {
      ObjectTemplateCheck.schemeChecks(pub, null, true);
    } catch (TpmException e) {
      throw e.atParameter(2);
    }
    int handle = ctx.state().allocateTransientHandle();
    TpmObject object =
        new TpmObject(
            handle,
            pub,
            in.inPrivate(),
            pub.nameHash().isPresent()
                ? TpmObject.qualifiedName(io.parasol.tpm.Entity.handleName(in.hierarchy()), pub)
                : pub.name(),
            in.hierarchy(),
            true);
    try {
      object.checkBinding();
    } catch (TpmException e) {
      throw e.rc() == TpmRc.TYPE ? e.atParameter(1) : e.atParameter(2);
    }
    ctx.state().transientObjects().put(handle, object);
    ctx.setResponseHandle(handle);
    out.write2B(object.name());
  }
}
