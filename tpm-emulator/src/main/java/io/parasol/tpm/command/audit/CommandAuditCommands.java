package io.parasol.tpm.command.audit;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §21 "Command Audit". */
public final class CommandAuditCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(new SetCommandCodeAuditStatus()); // §21.2
  }
}
