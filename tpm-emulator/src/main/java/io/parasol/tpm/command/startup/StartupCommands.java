package io.parasol.tpm.command.startup;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §9 "Start-up". */
public final class StartupCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new Startup(), // §9.3
        new Shutdown()); // §9.4
  }
}
