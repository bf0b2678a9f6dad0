package io.parasol.tpm.command.context;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §28 "Context Management". */
public final class ContextCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new ContextSave(), // §28.2
        new ContextLoad(), // §28.3
        new FlushContext(), // §28.4
        new EvictControl()); // §28.5
  }
}
