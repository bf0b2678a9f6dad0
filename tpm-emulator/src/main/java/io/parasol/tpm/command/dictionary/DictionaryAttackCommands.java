package io.parasol.tpm.command.dictionary;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §25 "Dictionary Attack Functions". */
public final class DictionaryAttackCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new DictionaryAttackLockReset(), // §25.2
        new DictionaryAttackParameters()); // §25.3
  }
}
