package io.parasol.tpm.command.integrity;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §22 "Integrity Collection (PCR)". */
public final class IntegrityCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new PcrExtend(), // §22.2
        new PcrEvent(), // §22.3
        new PcrRead(), // §22.4
        new PcrAllocate(), // §22.5
        new PcrReset()); // §22.8
  }
}
