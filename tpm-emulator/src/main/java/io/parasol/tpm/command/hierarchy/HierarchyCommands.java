package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §24 "Hierarchy Commands". */
public final class HierarchyCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new CreatePrimary(), // §24.1
        new HierarchyControl(), // §24.2
        new SetPrimaryPolicy(), // §24.3
        new ChangePps(), // §24.4
        new ChangeEps(), // §24.5
        new Clear(), // §24.6
        new ClearControl(), // §24.7
        new HierarchyChangeAuth()); // §24.8
  }
}
