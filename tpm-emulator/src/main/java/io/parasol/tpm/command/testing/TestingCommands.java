package io.parasol.tpm.command.testing;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §10 "Testing". */
public final class TestingCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new SelfTest(), // §10.2
        new IncrementalSelfTest(), // §10.3
        new GetTestResult()); // §10.4
  }
}
