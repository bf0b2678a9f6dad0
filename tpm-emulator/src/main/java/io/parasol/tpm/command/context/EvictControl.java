package io.parasol.tpm.command.context;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;

/**
 * TPM2_EvictControl (Part 3 §28.5): makes a transient object persistent at {@code
 * persistentHandle}, or removes a persistent object. The owner manages {@code
 * 0x81000000–0x817FFFFF} and objects of the owner and endorsement hierarchies, the platform {@code
 * 0x81800000–0x81FFFFFF} and any object ({@code TPM_RC_RANGE}, {@code TPM_RC_HIERARCHY}).
 * Public-only, external and {@code stClear} objects cannot be made persistent ({@code
 * TPM_RC_ATTRIBUTES}); a handle in use is {@code TPM_RC_NV_DEFINED}, a full store {@code
 * TPM_RC_NV_SPACE}.
 */
public final class EvictControl implements Command<Integer> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.EVICT_CONTROL)
          .handle(HandleType.RH_PROVISION, AuthRole.USER)
          .handle(HandleType.DH_OBJECT, AuthRole.NONE)
          .nv()
          .build();

  /** Persistent objects this TPM keeps ({@code TPM_PT_HR_PERSISTENT_AVAIL} counts down from it). */
  static final int MAX_PERSISTENT = 64;

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public Integer parse(TpmReader in) throws TpmException {
    return in.parameter(1, HandleType.DH_PERSISTENT::read);
  }

  @Override
  public void execute(CommandContext ctx, Integer persistentHandle, TpmWriter out)
      throws TpmException {
    TpmState state = ctx.state();
    int auth = ctx.handle(0);
    int objectHandle = ctx.handle(1);
    TpmObject object = TpmObject.require(ctx.entity(1), 2);
    boolean platformRange =
        Integer.compareUnsigned(objectHandle, TpmHandle.PLATFORM_PERSISTENT) >= 0;
    if (TpmHandle.isPersistent(objectHandle)) {
      if (objectHandle != persistentHandle) {
        throw new TpmException(TpmRc.parameter(TpmRc.HANDLE, 1));
      }
      if (auth == TpmHandle.RH_OWNER && platformRange) {
        throw new TpmException(TpmRc.handle(TpmRc.HIERARCHY, 2));
      }
      state.persistentObjects().remove(objectHandle);
      return;
    }
    if (object.isPublicOnly()
        || object.isExternal()
        || object.publicArea().has(TpmaObject.ST_CLEAR)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
    }
    int h = object.hierarchy();
    if (h == TpmHandle.RH_NULL || (auth == TpmHandle.RH_OWNER && h == TpmHandle.RH_PLATFORM)) {
      throw new TpmException(TpmRc.handle(TpmRc.HIERARCHY, 2));
    }
    boolean toPlatformRange =
        Integer.compareUnsigned(persistentHandle, TpmHandle.PLATFORM_PERSISTENT) >= 0;
    if (toPlatformRange != (auth == TpmHandle.RH_PLATFORM)) {
      throw new TpmException(TpmRc.parameter(TpmRc.RANGE, 1));
    }
    if (state.persistentObjects().containsKey(persistentHandle)) {
      throw new TpmException(TpmRc.NV_DEFINED);
    }
    if (state.persistentObjects().size() >= MAX_PERSISTENT) {
      throw new TpmException(TpmRc.NV_SPACE);
    }
    state.persistentObjects().put(persistentHandle, object.withHandle(persistentHandle));
  }
}
