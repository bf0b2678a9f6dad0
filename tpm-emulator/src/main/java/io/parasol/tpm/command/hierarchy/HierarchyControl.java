package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Hierarchy;
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

/**
 * TPM2_HierarchyControl (Part 3 §24.2): enables or disables a hierarchy. The platform may change
 * any; the owner and endorsement hierarchies may disable themselves but only the platform
 * re-enables them ({@code TPM_RC_AUTH_TYPE}). Disabling a hierarchy flushes its transient objects.
 */
public final class HierarchyControl implements Command<HierarchyControl.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.HIERARCHY_CONTROL)
          .handle(HandleType.RH_HIERARCHY, AuthRole.USER)
          .nv()
          .build();

  /** The parameters: {@code enable} (TPMI_RH_ENABLES) and {@code state} (TPMI_YES_NO). */
  public record In(int enable, boolean state) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    int enable =
        in.parameter(
            1,
            r -> {
              int h = r.readU32();
              if (!HandleType.RH_ENABLES.accepts(h)) {
                throw new TpmException(TpmRc.VALUE);
              }
              return h;
            });
    boolean on = in.parameter(2, TpmReader::readYesNo);
    return new In(enable, on);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    int auth = ctx.handle(0);
    boolean current;
    switch (in.enable()) {
      case TpmHandle.RH_PLATFORM, TpmHandle.RH_PLATFORM_NV -> {
        if (auth != TpmHandle.RH_PLATFORM) {
          throw new TpmException(TpmRc.AUTH_TYPE);
        }
        current =
            in.enable() == TpmHandle.RH_PLATFORM
                ? state.isEnabled(Hierarchy.PLATFORM)
                : state.isPlatformNvEnabled();
      }
      case TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT -> {
        Hierarchy h = Hierarchy.of(in.enable()).orElseThrow();
        if (auth != TpmHandle.RH_PLATFORM && auth != in.enable()) {
          throw new TpmException(TpmRc.AUTH_TYPE);
        }
        current = state.isEnabled(h);
        if (!current && in.state() && auth != TpmHandle.RH_PLATFORM) {
          throw new TpmException(TpmRc.AUTH_TYPE);
        }
      }
      default -> throw new IllegalStateException("TPMI_RH_ENABLES unmarshalling let it through");
    }
    if (current == in.state()) {
      return;
    }
    if (in.enable() == TpmHandle.RH_PLATFORM_NV) {
      state.setPlatformNvEnabled(in.state());
    } else {
      state.setEnabled(Hierarchy.of(in.enable()).orElseThrow(), in.state());
      if (!in.state()) {
        state.flushHierarchy(in.enable());
      }
    }
    state.clearOrderly();
  }
}
