package io.parasol.tpm.command.dictionary;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_DictionaryAttackLockReset (Part 3 §25.2): with lockout authorisation, sets {@code
 * failedTries} to zero, ending a lockout.
 */
public final class DictionaryAttackLockReset implements Command<NoParameters> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.DICTIONARY_ATTACK_LOCK_RESET)
          .handle(HandleType.RH_LOCKOUT, AuthRole.USER)
          .nv()
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
  public void execute(CommandContext ctx, NoParameters in, TpmWriter out) {
    ctx.state().dictionaryAttack().lockReset(ctx.state().clock().time());
  }
}
