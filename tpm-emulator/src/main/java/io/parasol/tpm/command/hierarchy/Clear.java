package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_Clear (Part 3 §24.6), with lockout or platform authorisation unless {@code disableClear}
 * ({@code TPM_RC_DISABLED}): a new storage primary seed and new storage and endorsement proofs;
 * owner, endorsement and lockout authorisation and policies emptied; both hierarchies enabled;
 * their transient and persistent objects and the owner's NV indices removed; dictionary-attack
 * parameters, clock and counters back to their manufactured values.
 */
public final class Clear implements Command<NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.CLEAR)
          .handle(HandleType.RH_CLEAR, AuthRole.USER)
          .nv()
          .extensive()
          .build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public NoParameters parse(TpmReader in) {
    return NoParameters.read(in);
  }

  @Override
  public void execute(CommandContext ctx, NoParameters in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    if (state.isClearDisabled()) {
      throw new TpmException(TpmRc.DISABLED);
    }
    state.regenerateSeed(Hierarchy.OWNER);
    state.regenerateProof(Hierarchy.OWNER);
    state.regenerateProof(Hierarchy.ENDORSEMENT);
    state.setEnabled(Hierarchy.OWNER, true);
    state.setEnabled(Hierarchy.ENDORSEMENT, true);
    for (int h : new int[] {TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT, TpmHandle.RH_LOCKOUT}) {
      state.permanentAuth(h).clear();
    }
    for (int h : new int[] {TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT}) {
      state.flushHierarchy(h);
      state.evictHierarchy(h);
    }
    state.dictionaryAttack().reset();
    state.clock().clear();
    state.resetCountersOnClear();
  }
}
