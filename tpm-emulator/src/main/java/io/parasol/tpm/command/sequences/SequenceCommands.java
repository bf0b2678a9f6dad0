package io.parasol.tpm.command.sequences;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §17 "Hash/HMAC/Event Sequences". */
public final class SequenceCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new HmacStart(), // §17.2
        new HashSequenceStart(), // §17.3
        new SequenceUpdate(), // §17.4
        new SequenceComplete(), // §17.5
        new EventSequenceComplete()); // §17.6
  }
}
