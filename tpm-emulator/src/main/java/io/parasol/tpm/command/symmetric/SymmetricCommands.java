package io.parasol.tpm.command.symmetric;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §15 "Symmetric Primitives". */
public final class SymmetricCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new EncryptDecrypt(), // §15.2
        new EncryptDecrypt2(), // §15.3
        new Hash(), // §15.4
        new HmacCommand()); // §15.5
  }
}
