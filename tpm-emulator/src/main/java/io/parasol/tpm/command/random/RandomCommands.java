package io.parasol.tpm.command.random;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §16 "Random Number Generator". */
public final class RandomCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new GetRandom(), // §16.1
        new StirRandom()); // §16.2
  }
}
