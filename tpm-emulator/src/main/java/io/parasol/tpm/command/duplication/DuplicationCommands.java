package io.parasol.tpm.command.duplication;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §13 "Duplication Commands". */
public final class DuplicationCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new Duplicate(), // §13.1
        new Rewrap(), // §13.2
        new Import()); // §13.3
  }
}
