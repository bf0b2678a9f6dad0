package io.parasol.tpm.command.dictionary;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_DictionaryAttackParameters (Part 3 §25.3): with lockout authorisation, sets {@code
 * maxTries}, {@code recoveryTime} and {@code lockoutRecovery} (seconds) and clears {@code
 * failedTries}. A {@code recoveryTime} of zero turns DA protection off; a {@code maxTries} of zero
 * locks DA-protected entities out.
 */
public final class DictionaryAttackParameters implements Command<DictionaryAttackParameters.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
          .handle(HandleType.RH_LOCKOUT, AuthRole.USER)
          .nv()
          .build();

  /** {@code newMaxTries}, {@code newRecoveryTime}, {@code lockoutRecovery} (UINT32 each). */
  public record In(int newMaxTries, int newRecoveryTime, int lockoutRecovery) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, TpmReader::readU32),
        in.parameter(2, TpmReader::readU32),
        in.parameter(3, TpmReader::readU32));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) {
    ctx.state()
        .dictionaryAttack()
        .setParameters(in.newMaxTries(), in.newRecoveryTime(), in.lockoutRecovery());
  }
}
