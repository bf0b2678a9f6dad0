package io.parasol.tpm.command.capability;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §30 "Capability Commands". */
public final class CapabilityCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new GetCapability(), // §30.2
        new TestParms()); // §30.3
  }
}
