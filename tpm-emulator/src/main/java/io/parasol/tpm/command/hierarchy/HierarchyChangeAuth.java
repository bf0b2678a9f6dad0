package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_HierarchyChangeAuth (Part 3 §24.8): sets the authValue of a hierarchy or of lockout,
 * trailing zero octets removed. The response HMAC already uses the new value, as the reference
 * implementation's does.
 */
public final class HierarchyChangeAuth implements Command<byte[]> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.HIERARCHY_CHANGE_AUTH)
          .handle(HandleType.RH_HIERARCHY_AUTH, AuthRole.USER)
          .decrypt()
          .nv()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** {@code newAuth} (TPM2B_AUTH). */
  @Override
  public byte[] parse(TpmReader in) throws TpmException {
    return in.parameter(1, r -> r.read2B(Tpm2b.AUTH));
  }

  @Override
  public void execute(CommandContext ctx, byte[] newAuth, TpmWriter out) {
    int handle = ctx.handle(0);
    ctx.state().permanentAuth(handle).setAuthValue(Entity.trimTrailingZeros(newAuth));
    if (handle == TpmHandle.RH_PLATFORM) {
      ctx.state().clearOrderly();
    }
  }
}
